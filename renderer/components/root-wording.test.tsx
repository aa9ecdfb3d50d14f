import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { listener, snapshot, unknownOwner } from '../../app/testing/fixtures.js';
import { mountApp } from '../test-support/render-app.js';

// Issue 16 item 9 and the root pass: every surface of the window words an owner it could not read
// for who runs the core (app/model/unknown-owner-words.ts, the CLI's words too). Root is never
// told to get admin rights; a normal user is told they would help.

const ROOT: Viewer = { uid: 0, user: 'root' };
const ALICE: Viewer = { uid: 1000, user: 'alice' };
const MESSAGE = 'Owner unknown: not permitted (needs admin) to read the process that holds it.';
const hiddenA = listener({
  port: 4100,
  owner: unknownOwner({ pid: 812, uid: 0, user: 'root', message: MESSAGE }),
  url: null,
});
const hiddenB = listener({
  port: 4101,
  owner: unknownOwner({ pid: 813, uid: 0, user: 'root', message: MESSAGE }),
  url: null,
});

/** The window with two unreadable owners, grouped, the first one's details and kill dialog open. */
async function everySurface(viewer: Viewer) {
  const r = mountApp({
    snapshot: snapshot([hiddenA, hiddenB], { viewer }),
    settings: { ...DEFAULT_SETTINGS, showOtherUsers: true, showSystem: true },
  });
  const row = await screen.findByRole('option', { name: /Port 4100/ });
  await r.user.click(screen.getByRole('button', { name: 'Group' }));
  const group = await screen.findByRole('group', { name: /^Owner unknown, 2 listeners/ });
  await r.user.click(await screen.findByRole('option', { name: /Port 4100/ }));
  await r.user.click(screen.getByRole('button', { name: 'Details' }));
  const details = await screen.findByRole('region', { name: 'Details for port 4100' });
  const detailsText = details.textContent ?? '';
  const headerText = group.textContent ?? '';
  const rowName = row.textContent ?? '';
  await r.user.keyboard('{Control>}k{/Control}');
  const dialog = await screen.findByRole('dialog');
  return { r, rowName, headerText, detailsText, dialog };
}

describe('unreadable owners are worded for the viewer', () => {
  it('as root: row, group header, details, banner and kill dialog never say "needs admin"', async () => {
    const s = await everySurface(ROOT);
    expect(s.rowName).toContain('owner unknown (unreadable even as root)');
    expect(s.headerText).toContain('unreadable even as root');
    expect(s.detailsText).toContain('unreadable even as root');
    expect(within(s.dialog).queryByText(/sudo/)).toBeNull();
    expect(s.dialog).toHaveAccessibleName('Cannot stop owner unknown (unreadable even as root) from here');
    expect(s.dialog).toHaveTextContent('even as root');
    expect(within(s.dialog).getByText('kill -TERM 812')).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/needs admin|admin rights show|Needs admin/);
    // Tooltips too: the core's "needs admin" message is replaced by the sentence for root.
    expect(document.body.innerHTML).not.toMatch(/needs admin|Needs admin/);
    expect(s.r.api.calls.some((c) => c.method === 'kill')).toBe(false);
  });

  it('as a normal user: the same surfaces say admin rights would show and stop it', async () => {
    const s = await everySurface(ALICE);
    expect(s.rowName).toContain('owner unknown (needs admin)');
    expect(s.headerText).toContain('needs admin');
    expect(s.detailsText).toContain('needs admin');
    expect(s.dialog).toHaveAccessibleName('Needs admin to stop owner unknown (needs admin)');
    expect(within(s.dialog).getByText('sudo kill -TERM 812')).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/even as root/);
  });
});
