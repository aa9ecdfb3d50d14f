import { describe, expect, it } from 'vitest';
import { listener, unknownOwner } from '../../app/testing/fixtures.js';
import { ownerBanner } from './owner-banner.js';

const ALICE = { uid: 1000, user: 'alice' };
const ROOT = { uid: 0, user: 'root' };
const hidden = (port: number, over: Parameters<typeof unknownOwner>[0] = {}) =>
  listener({ port, owner: unknownOwner(over), url: null });

describe('ownerBanner: names the real reason, from the rows shown', () => {
  it('says nothing when no shown row lacks an owner (rows a filter hid are not blamed)', () => {
    expect(ownerBanner([listener({ port: 3000 })], ALICE)).toBeNull();
    expect(ownerBanner([], ALICE)).toBeNull();
  });

  it('tells a normal user that another user holds it and admin rights show who', () => {
    const b = ownerBanner([hidden(5432, { uid: 1001, user: 'bob' })], ALICE);
    expect(b).toEqual({ tone: 'warn', text: '1 listener belongs to another user: admin rights show who.' });
  });

  it('never tells root to get admin', () => {
    const b = ownerBanner([hidden(5432, { uid: 1001 }), hidden(6000)], ROOT);
    expect(b?.text).not.toMatch(/admin/i);
    expect(b?.text).toBe('2 owners could not be read, even as root.');
    expect(b?.tone).toBe('info');
  });

  it('names another namespace and kernel sockets as such, not as permissions', () => {
    const b = ownerBanner(
      [hidden(80, { reason: 'other-namespace' }), hidden(2049, { reason: 'no-process' })],
      ALICE,
    );
    expect(b?.text).toBe(
      '1 listener is held in another container or namespace, not visible from here; 1 socket is held by the kernel, not a process.',
    );
    expect(b?.text).not.toMatch(/admin|permi/i);
    expect(b?.tone).toBe('info');
  });
});
