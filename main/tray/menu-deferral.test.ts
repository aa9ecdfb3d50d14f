import { describe, expect, it } from 'vitest';
import { closedMenu, stepMenu, type MenuDeferral, type MenuEvent } from './menu-deferral.js';

/** Runs events through the machine and returns every state that was applied, in order. */
function run(events: readonly MenuEvent<string>[]): { applied: string[]; last: MenuDeferral<string> } {
  let d = closedMenu<string>();
  const applied: string[] = [];
  for (const e of events) {
    const r = stepMenu(d, e);
    d = r.next;
    if (r.apply !== null) applied.push(r.apply);
  }
  return { applied, last: d };
}

const update = (state: string): MenuEvent<string> => ({ type: 'update', state });
const show: MenuEvent<string> = { type: 'will-show' };
const close: MenuEvent<string> = { type: 'will-close' };

describe('tray menu deferral while the menu is open', () => {
  it('applies every update at once while the menu is closed', () => {
    expect(run([update('a'), update('b')]).applied).toEqual(['a', 'b']);
  });

  it('never replaces the menu while it is open, and applies only the latest state on close', () => {
    const { applied, last } = run([update('a'), show, update('b'), update('c'), update('d'), close]);
    expect(applied).toEqual(['a', 'd']);
    expect(last).toEqual({ open: false, pending: null });
  });

  it('applies nothing on close when nothing changed while open', () => {
    expect(run([update('a'), show, close]).applied).toEqual(['a']);
  });

  it('is closed again after a close, so the next update applies at once', () => {
    expect(run([show, update('b'), close, update('c')]).applied).toEqual(['b', 'c']);
  });

  it('keeps a pending state across a repeated will-show (a re-opened menu before close)', () => {
    expect(run([show, update('b'), show, close]).applied).toEqual(['b']);
  });
});
