import { describe, expect, it } from 'vitest';
import { hiddenFromList } from '../cli/commands/list.js';
import { hiddenByScope, scopeOf } from './scope.js';
import { SCOPE_CASES } from './test-support/scope-cases.js';

// The one table (test-support/scope-cases.ts). The tray (main/tray/tray.test.ts) and the window
// (renderer/store/derive.test.ts) check their filters against the same rows.
describe('scopeOf: whose a listener is', () => {
  for (const c of SCOPE_CASES) {
    it(`${c.name} → ${c.scope}`, () => {
      expect(scopeOf(c.listener, c.viewer)).toBe(c.scope);
    });
  }
});

describe('the scope filters', () => {
  it('hide other users and system accounts only when their switch is off; never unknown owners', () => {
    const off = { showOtherUsers: false, showSystem: false };
    expect(hiddenByScope('other-user', off)).toBe(true);
    expect(hiddenByScope('system', off)).toBe(true);
    expect(hiddenByScope('mine', off)).toBe(false);
    expect(hiddenByScope('unknown', off)).toBe(false);
    expect(hiddenByScope('other-user', { ...off, showOtherUsers: true })).toBe(false);
    expect(hiddenByScope('system', { ...off, showSystem: true })).toBe(false);
  });

  for (const c of SCOPE_CASES) {
    it(`CLI list hides exactly other users' rows without --all: ${c.name}`, () => {
      expect(hiddenFromList(c.listener, c.viewer, false)).toBe(c.scope === 'other-user');
      expect(hiddenFromList(c.listener, c.viewer, true)).toBe(false);
    });
  }
});
