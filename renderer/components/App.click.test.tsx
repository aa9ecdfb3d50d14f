import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { KillReport } from '../../app/model/actions.js';
import { ok, type Result } from '../../app/model/errors.js';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import type { PageFaculties } from '../api/browser-page.js';
import {
  httpUp,
  killReport,
  listener,
  processOwner,
  snapshot,
  unknownOwner,
} from '../../app/testing/fixtures.js';
import { mountApp } from '../test-support/render-app.js';

// Issue 16, the click: open in browser mode, kill enablement, force/cancel, fading rows, watch.

const app = mountApp;

/** A page that records what it opened and notified. */
function fakePage(permission: 'granted' | 'denied' | 'default' = 'granted') {
  const opened: string[] = [];
  const shown: { title: string; body: string }[] = [];
  let asked = 0;
  let state = permission;
  const page: PageFaculties = {
    openUrl: (url) => opened.push(url),
    notifications: {
      permission: () => state,
      request: async () => {
        asked++;
        state = 'granted';
        return state;
      },
      show: (title, body) => shown.push({ title, body }),
    },
  };
  return { page, opened, shown, asked: () => asked };
}

const viewer = { uid: 1000, user: 'alice' };
const vite = listener({
  port: 5173,
  address: '127.0.0.1',
  owner: processOwner({ pid: 4242, startToken: 'st-4242', uid: 1000 }),
  health: httpUp({ title: 'Vite App' }),
});
const api3000 = listener({
  port: 3000,
  address: '127.0.0.1',
  owner: processOwner({ pid: 5000, startToken: 'st-5000', uid: 1000, name: 'node' }),
  health: httpUp({}),
});
const report = killReport;

async function pick(user: ReturnType<typeof mountApp>['user'], port: number) {
  await user.click(await screen.findByRole('option', { name: new RegExp(`Port ${port}`) }));
}

describe('open (item 1)', () => {
  it('in browser mode asks the core for the verified URL without launching, and opens it in the page', async () => {
    const p = fakePage();
    const r = app(
      { snapshot: snapshot([vite], { viewer }), open: () => ok({ url: 'http://127.0.0.1:5173/' }) },
      { connect: { page: p.page } },
    );
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: /^Open$/ }));
    await waitFor(() => expect(p.opened).toEqual(['http://127.0.0.1:5173/']));
    expect(r.api.calls.find((c) => c.method === 'open')?.params).toEqual({
      listenerId: vite.id,
      launch: false,
    });
    expect(await screen.findByText('Opened http://127.0.0.1:5173/ in a new tab')).toBeInTheDocument();
  });

  it('never opens a URL a page must not open, whatever the core answered', async () => {
    const p = fakePage();
    const r = app(
      { snapshot: snapshot([vite], { viewer }), open: () => ok({ url: 'javascript:alert(1)' }) },
      { connect: { page: p.page } },
    );
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: /^Open$/ }));
    expect(await screen.findByText(/must not open/)).toBeInTheDocument();
    expect(p.opened).toEqual([]);
  });

  it('in Electron leaves opening to the core (no launch flag, nothing opened by the page)', async () => {
    const r = app({ snapshot: snapshot([vite], { viewer }) });
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: /^Open$/ }));
    await waitFor(() =>
      expect(r.api.calls.find((c) => c.method === 'open')?.params).toEqual({ listenerId: vite.id }),
    );
  });

  it('every row carries its URL as a real link (new tab, noopener) beside the option', async () => {
    app({ snapshot: snapshot([vite, api3000], { viewer }) });
    await screen.findByRole('option', { name: /Port 5173/ });
    const links = [...document.querySelectorAll<HTMLAnchorElement>('.row-actions a[href]')];
    expect(links.map((a) => a.getAttribute('href')).sort()).toEqual([
      'http://127.0.0.1:3000/',
      'http://127.0.0.1:5173/',
    ]);
    for (const a of links) {
      expect(a.target).toBe('_blank');
      expect(a.rel).toContain('noopener');
      // Never inside the option: an option's content is presentational for assistive technology.
      expect(a.closest('[role="option"]')).toBeNull();
    }
  });
});

describe('kill enablement (item 2)', () => {
  it('Ctrl+K and Delete on an owner with no pid open nothing, like the disabled button', async () => {
    const hidden = listener({ port: 22, owner: unknownOwner({ pid: null }), url: null });
    const r = app({
      snapshot: snapshot([hidden], { viewer }),
      settings: { ...DEFAULT_SETTINGS, showSystem: true },
    });
    await pick(r.user, 22);
    expect(screen.getByRole('button', { name: 'Kill…' })).toBeDisabled();
    await r.user.keyboard('{Control>}k{/Control}');
    await r.user.keyboard('{Delete}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await screen.findByText(/Nothing to kill from here/)).toBeInTheDocument();
  });

  it('an unknown owner with a pid gets one message and the exact elevated command, never a kill request', async () => {
    const hidden = listener({ port: 22, owner: unknownOwner({ pid: 812 }), url: null });
    const r = app({
      snapshot: snapshot([hidden], { viewer }),
      settings: { ...DEFAULT_SETTINGS, showSystem: true },
    });
    await pick(r.user, 22);
    await r.user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: /Needs admin to stop/ });
    expect(within(dialog).getByText('sudo kill -TERM 812')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy command' })).toBeInTheDocument();
    expect(dialog).not.toHaveTextContent(/system refused/);
    expect(within(dialog).queryByRole('button', { name: /^Kill/ })).toBeNull();
    expect(r.api.calls.some((c) => c.method === 'kill')).toBe(false);
  });

  it('another user’s process, seen by a non-root viewer, offers the elevated command instead of a doomed kill', async () => {
    const bobs = listener({
      port: 8080,
      owner: processOwner({ pid: 777, startToken: 'st-777', uid: 1001, user: 'bob' }),
    });
    const r = app({
      snapshot: snapshot([bobs], { viewer }),
      settings: { ...DEFAULT_SETTINGS, showOtherUsers: true },
    });
    await pick(r.user, 8080);
    await r.user.keyboard('{Delete}');
    const dialog = await screen.findByRole('dialog', { name: /Needs admin to stop node/ });
    expect(dialog).toHaveTextContent(/belongs to bob/);
    expect(within(dialog).getByText('sudo kill -TERM 777')).toBeInTheDocument();
  });
});

describe('kill dialog (items 3 and 10)', () => {
  it('starts on Cancel: Ctrl+K then Enter does not kill', async () => {
    const r = app({ snapshot: snapshot([vite], { viewer }), kill: () => ok(report({})) });
    await pick(r.user, 5173);
    await r.user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Kill node on port 5173?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await r.user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(r.api.calls.some((c) => c.method === 'kill')).toBe(false);
  });

  it('titles follow the state; Force after a failed SIGTERM asks for SIGKILL at once; a second Kill… remembers', async () => {
    const answers: Result<KillReport>[] = [
      ok(report({ outcome: 'still-running', signals: ['SIGTERM'] })),
      ok(report({ outcome: 'freed', signals: ['SIGKILL'], elapsedMs: 30 })),
    ];
    const r = app({ snapshot: snapshot([vite], { viewer }), kill: () => answers.shift() ?? ok(report({})) });
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: 'Kill…' }));
    await r.user.click(screen.getByRole('button', { name: 'Kill node' }));
    await screen.findByRole('dialog', { name: 'node is still running' });
    await r.user.click(screen.getByRole('button', { name: 'Close' }));

    // A second Kill… for the same pid + start time remembers that SIGTERM failed.
    await r.user.click(screen.getByRole('button', { name: 'Kill…' }));
    const again = await screen.findByRole('dialog', { name: 'Kill node on port 5173?' });
    expect(again).toHaveTextContent(/SIGTERM already failed for this process/);
    expect(within(again).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await r.user.click(within(again).getByRole('button', { name: 'Force kill (SIGKILL)' }));
    await screen.findByRole('dialog', { name: 'Port 5173 freed' });
    const kills = r.api.calls.filter((c) => c.method === 'kill').map((c) => c.params);
    expect(kills).toEqual([
      expect.objectContaining({ mode: 'graceful' }),
      expect.objectContaining({ mode: 'force', afterFailedTerm: true }),
    ]);
    expect(kills[0]).not.toHaveProperty('afterFailedTerm');
  });

  it('a wait can be cancelled with Cancel or Esc, and the late answer still says how it ended', async () => {
    let finish: ((r: Result<KillReport>) => void) | null = null;
    const r = app({
      snapshot: snapshot([vite], { viewer }),
      kill: () => new Promise<Result<KillReport>>((resolve) => (finish = resolve)),
    });
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: 'Kill…' }));
    await r.user.click(screen.getByRole('button', { name: 'Kill node' }));
    const waiting = await screen.findByRole('dialog', { name: 'Stopping node…' });
    expect(within(waiting).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await r.user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await screen.findByText(/Cancelling: nothing more is sent to node/)).toBeInTheDocument();
    // The core is told, by the id the kill was sent with, so its wait stops too (no SIGKILL after).
    const sent = r.api.calls.find((c) => c.method === 'kill')?.params as { killId?: string };
    expect(sent.killId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(r.api.calls.filter((c) => c.method === 'cancelKill').map((c) => c.params)).toEqual([
      { killId: sent.killId },
    ]);
    act(() => finish?.(ok(report({}))));
    expect(await screen.findByText('Port 5173 freed in 0.4 s.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();

    // Cancel (the button) does the same.
    await r.user.click(screen.getByRole('button', { name: 'Kill…' }));
    await r.user.click(screen.getByRole('button', { name: 'Kill node' }));
    const second = await screen.findByRole('dialog', { name: 'Stopping node…' });
    await r.user.click(within(second).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('after a kill (item 4)', () => {
  it('the dying row keeps its owner while it fades, and the selection moves to the neighbour', async () => {
    const r = app({ snapshot: snapshot([api3000, vite], { viewer, seq: 1 }), kill: () => ok(report({})) });
    await pick(r.user, 3000);
    await r.user.click(screen.getByRole('button', { name: 'Kill…' }));
    await r.user.click(screen.getByRole('button', { name: 'Kill node' }));
    // The scan still lists the socket a moment, its owner no longer readable.
    const orphan = { ...api3000, owner: unknownOwner({ pid: null }) };
    act(() => r.api.push(snapshot([orphan, vite], { viewer, seq: 2 })));
    const row = await screen.findByRole('option', { name: /Port 3000.*, gone,/ });
    expect(row).toHaveAccessibleName(/node\), pid 5000/);
    expect(screen.queryByText(/Owner unknown/)).toBeNull();
    expect(screen.getByRole('option', { name: /Port 5173/ })).toHaveAttribute('aria-selected', 'true');
  });

  it('with no neighbour, nothing is selected', async () => {
    const r = app({ snapshot: snapshot([vite], { viewer, seq: 1 }) });
    await pick(r.user, 5173);
    act(() => r.api.push(snapshot([], { viewer, seq: 2 })));
    await waitFor(() => expect(r.store.getState().selectedId).toBeNull());
  });
});

describe('watch (item 5)', () => {
  it('asks for notification permission when the user first watches (browser mode)', async () => {
    const p = fakePage('default');
    const r = app({ snapshot: snapshot([vite], { viewer }) }, { connect: { page: p.page } });
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: 'Watch' }));
    await waitFor(() => expect(p.asked()).toBe(1));
  });

  it('a watched port that goes down stays as a "down" row with when and what held it, and notifies', async () => {
    const p = fakePage('granted');
    const r = app(
      {
        snapshot: snapshot([vite, api3000], { viewer, seq: 1 }),
        settings: { ...DEFAULT_SETTINGS, watchedPorts: [5173] },
      },
      { connect: { page: p.page } },
    );
    await screen.findByRole('option', { name: /Port 5173/ });
    act(() => r.api.push(snapshot([api3000], { viewer, seq: 2 })));
    const down = within(await screen.findByRole('region', { name: 'Watched ports that are down' }));
    const item = down.getByRole('listitem');
    expect(item).toHaveTextContent(/^5173 down since .+ · was node \(pid 4242\) · shop/);
    expect(within(item).getByRole('button', { name: 'Stop watching port 5173' })).toBeInTheDocument();
    expect(p.shown).toEqual([{ title: 'Port 5173 is down', body: 'node (pid 4242) stopped listening.' }]);
    // The fading row says gone, not its last "HTTP 200", and offers no kill.
    const ghost = screen.getByRole('option', { name: /Port 5173.*, gone,/ });
    expect(ghost).toHaveTextContent('gone');
    expect(ghost).not.toHaveTextContent(/HTTP 200/);

    act(() => r.api.push(snapshot([api3000, vite], { viewer, seq: 3 })));
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: 'Watched ports that are down' })).toBeNull(),
    );
    expect(p.shown.at(-1)?.title).toBe('Port 5173 is back');
  });
});

describe('hover actions (item 11)', () => {
  it('Kill… on a row’s hover strip opens the dialog for that row', async () => {
    const r = app({ snapshot: snapshot([vite, api3000], { viewer }) });
    await screen.findByRole('option', { name: /Port 3000/ });
    const strip = document.querySelector<HTMLElement>(
      `.row-actions[data-listener-id="${CSS.escape(api3000.id)}"]`,
    );
    expect(strip).not.toBeNull();
    fireEvent.click(within(strip as HTMLElement).getByText('Kill…'));
    expect(await screen.findByRole('dialog', { name: 'Kill node on port 3000?' })).toBeInTheDocument();
    expect(r.store.getState().selectedId).toBe(api3000.id);
  });
});

describe('needs admin, one message (item 2)', () => {
  it('an EPERM from the core (identity unreadable, nothing signalled) does not also claim the system refused a signal', async () => {
    const r = app({
      snapshot: snapshot([vite], { viewer }),
      kill: () => ({
        ok: false,
        error: {
          code: 'EPERM',
          message: 'Cannot read the identity of node (pid 4242) (needs admin); nothing was signalled.',
          command: 'sudo kill -TERM 4242',
        },
      }),
    });
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: 'Kill…' }));
    await r.user.click(screen.getByRole('button', { name: 'Kill node' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Needs admin: only an administrator can stop this process.');
    expect(screen.getByRole('dialog')).not.toHaveTextContent(/refused the signal/);
    expect(screen.getByText('sudo kill -TERM 4242')).toBeInTheDocument();
  });
});

describe('the URL as a keyboard-reachable link (item 1)', () => {
  it('the details pane links the core-built URL; a plain click still goes through open', async () => {
    const p = fakePage();
    const r = app(
      { snapshot: snapshot([vite], { viewer }), open: () => ok({ url: 'http://127.0.0.1:5173/' }) },
      { connect: { page: p.page } },
    );
    await pick(r.user, 5173);
    await r.user.click(screen.getByRole('button', { name: 'Details' }));
    const link = await screen.findByRole('link', { name: 'http://127.0.0.1:5173/' });
    expect(link).toHaveAttribute('href', 'http://127.0.0.1:5173/');
    expect(link).toHaveAttribute('target', '_blank');
    await r.user.click(link);
    await waitFor(() => expect(p.opened).toEqual(['http://127.0.0.1:5173/']));
    expect(r.api.calls.filter((c) => c.method === 'open')).toHaveLength(1);
  });
});
