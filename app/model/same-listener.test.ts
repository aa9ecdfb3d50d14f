import { describe, expect, it } from 'vitest';
import { listener, processOwner, unknownOwner } from '../testing/fixtures.js';
import { sameData, sameListener, sameOwner, sameProcess } from './same-listener.js';

describe('sameListener / sameOwner / sameProcess: the one equality rule', () => {
  const owner = processOwner({
    pid: 10,
    startToken: 'a',
    project: { name: 'shop', root: '/p', kind: 'node' },
  });
  const base = listener({ port: 3000, owner, url: null });

  it('treats a copy with the same data (any key order) as the same, and any shown difference as a change', () => {
    const copy = JSON.parse(JSON.stringify(base)) as typeof base;
    expect(sameListener(base, copy)).toBe(true);
    expect(sameListener(base, { ...base, url: 'http://127.0.0.1:3000/' })).toBe(false);
    expect(sameListener(base, { ...base, health: { state: 'refused', checkedAt: 1, latencyMs: 1 } })).toBe(
      false,
    );
    expect(sameListener(base, { ...base, owner: { ...owner, cwd: '/elsewhere' } })).toBe(false);
    expect(
      sameListener(base, { ...base, owner: { ...owner, project: { name: 'x', root: '/p', kind: 'node' } } }),
    ).toBe(false);
  });

  it('compares unknown owners by reason and who, process owners by every field', () => {
    expect(sameOwner(unknownOwner(), unknownOwner())).toBe(true);
    expect(sameOwner(unknownOwner(), unknownOwner({ reason: 'vanished' }))).toBe(false);
    expect(sameOwner(owner, unknownOwner({ pid: 10 }))).toBe(false);
    expect(sameOwner(owner, { ...owner })).toBe(true);
  });

  it('calls a reused pid with another start token a different process', () => {
    expect(sameProcess(owner, { pid: 10, startToken: 'a' })).toBe(true);
    expect(sameProcess(owner, { pid: 10, startToken: 'b' })).toBe(false);
    expect(sameProcess(unknownOwner({ pid: 10 }), { pid: 10, startToken: 'a' })).toBe(false);
  });

  it('compares plain data deeply without caring for key order', () => {
    expect(sameData({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData([1], { 0: 1 })).toBe(false);
  });
});
