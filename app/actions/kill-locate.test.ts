import { describe, expect, it } from 'vitest';
import type { Viewer } from '../model/snapshot.js';
import { listener, snapshot, unknownOwner } from '../testing/fixtures.js';
import { locate } from './kill-locate.js';

// Issue 16: a kill aimed at an owner Harbormaster could not read is refused (nothing can be
// re-checked), worded for who runs the core: root is never told to get admin rights.

const hidden = listener({ port: 7000, owner: unknownOwner({ pid: 812 }) });

async function refusal(viewer: Viewer) {
  const s = snapshot([hidden], { viewer });
  const r = await locate(
    { listenerId: hidden.id, pid: 812, startToken: 'x', mode: 'graceful' },
    { latest: () => s, refresh: async () => s },
    'linux',
  );
  if (r.ok) throw new Error('an unreadable owner must be refused');
  return r.error;
}

describe('locate: an owner Harbormaster could not read', () => {
  it('tells a normal user admin rights would show and stop it (sudo command)', async () => {
    const e = await refusal({ uid: 1000, user: 'alice' });
    expect(e).toMatchObject({ code: 'EPERM', command: 'sudo kill -TERM 812' });
    expect(e.message).toMatch(/needs admin/);
  });

  it('tells root it could not read it even as root, with no sudo and no "needs admin"', async () => {
    const e = await refusal({ uid: 0, user: 'root' });
    expect(e).toMatchObject({ code: 'EPERM', command: 'kill -TERM 812' });
    expect(e.message).toMatch(/even as root/);
    expect(`${e.message} ${e.hint ?? ''}`).not.toMatch(/needs admin|as an administrator/);
  });
});
