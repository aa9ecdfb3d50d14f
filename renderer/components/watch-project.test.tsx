import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import { listener, processOwner, snapshot } from '../../app/testing/fixtures.js';
import { mountApp } from '../test-support/render-app.js';

// Issue 16 item 5: a project can be watched from the window (details pane), saved through
// updateSettings like pins, with the keyboard as well as the mouse.

const shop = { name: 'shop', root: '/home/alice/shop', kind: 'node' } as const;
const web = listener({ port: 3000, owner: processOwner({ pid: 70, name: 'node', project: shop }) });
const api = listener({ port: 3001, owner: processOwner({ pid: 71, name: 'node', project: shop }) });
const loose = listener({ port: 9000, owner: processOwner({ pid: 72, name: 'node', project: null }) });

describe('watch a project from the window', () => {
  it('the details pane toggles the project with the keyboard, saved through updateSettings', async () => {
    const r = mountApp({ snapshot: snapshot([web, api, loose]) });
    await r.user.click(await screen.findByRole('option', { name: /Port 3000/ }));
    await r.user.click(screen.getByRole('button', { name: 'Details' }));
    const details = await screen.findByRole('region', { name: 'Details for port 3000' });
    const toggle = within(details).getByRole('button', { name: 'Watch project shop' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');

    toggle.focus();
    await r.user.keyboard('{Enter}');
    await waitFor(async () => expect((await r.api.getSettings()).watchedProjects).toEqual(['shop']));
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(r.api.calls).toContainEqual(
      expect.objectContaining({ method: 'updateSettings', params: { watchedProjects: ['shop'] } }),
    );
    // Both of the project's rows carry the watch mark; the loose one does not.
    expect(screen.getByRole('option', { name: /Port 3000/ })).toHaveAccessibleName(/, watched$/);
    expect(screen.getByRole('option', { name: /Port 3001/ })).toHaveAccessibleName(/, watched$/);
    expect(screen.getByRole('option', { name: /Port 9000/ })).not.toHaveAccessibleName(/watched/);

    await r.user.keyboard(' ');
    await waitFor(async () => expect((await r.api.getSettings()).watchedProjects).toEqual([]));
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
  });

  it('keeps other watched projects, and offers nothing for a process outside a project', async () => {
    const r = mountApp({
      snapshot: snapshot([web, loose]),
      settings: { ...DEFAULT_SETTINGS, watchedProjects: ['blog'] },
    });
    await r.user.click(await screen.findByRole('option', { name: /Port 3000/ }));
    await r.user.click(screen.getByRole('button', { name: 'Details' }));
    const details = await screen.findByRole('region', { name: 'Details for port 3000' });
    await r.user.click(within(details).getByRole('button', { name: 'Watch project shop' }));
    await waitFor(async () => expect((await r.api.getSettings()).watchedProjects).toEqual(['blog', 'shop']));
    await r.user.click(screen.getByRole('option', { name: /Port 9000/ }));
    const other = await screen.findByRole('region', { name: 'Details for port 9000' });
    expect(within(other).queryByRole('button', { name: /Watch project/ })).toBeNull();
  });
});
