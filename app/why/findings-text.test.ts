import { describe, expect, it } from 'vitest';
import { listener, unknownOwner } from '../testing/fixtures.js';
import { who } from './findings-text.js';

// Issue 16: a finding names a holder Harbormaster could not read for who runs the core. Root is
// never told to get admin rights (e2e/why-system.spec.ts checks the wording for a normal user).

describe('who: the holder of a socket in a finding', () => {
  const hidden = listener({ port: 7000, owner: unknownOwner({ pid: 812, uid: 0, user: 'root' }) });
  const root = typeof process.getuid === 'function' && process.getuid() === 0;

  it(`words a hidden holder for this core (${root ? 'root' : 'not root'})`, () => {
    expect(who(hidden)).toBe(
      `a process of root whose details are hidden (${root ? 'unreadable even as root' : 'needs admin'})`,
    );
  });

  it('names another namespace as such, whoever asks', () => {
    const elsewhere = listener({ port: 7001, owner: unknownOwner({ pid: 9, reason: 'other-namespace' }) });
    expect(who(elsewhere)).toBe('a process in another namespace or container (pid 9)');
  });
});
