import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { err, ok } from '../../app/model/errors.js';
import { tokenFromHash } from '../api/get-api.js';
import { routeHash } from '../../app/model/window-route.js';
import { listener, processOwner, snapshot, syntheticListeners } from '../../app/testing/fixtures.js';
import { renderApp } from '../test-support/render-app.js';

const disposers: (() => void)[] = [];
const restores: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
  for (const r of restores.splice(0)) r();
  window.history.replaceState(null, '', '/');
});
function app(...args: Parameters<typeof renderApp>) {
  const r = renderApp(...args);
  disposers.push(r.dispose);
  return r;
}
/** Sets the fragment as main does for an open window (a same-document navigation). */
function navigate(hash: string) {
  act(() => {
    window.location.hash = hash;
  });
}

const web = listener({ port: 5173, owner: processOwner({ pid: 4242, name: 'node' }) });
const api = listener({
  port: 3000,
  owner: processOwner({ pid: 5000, startToken: 'st-5000', name: 'api-server', project: null }),
});
const postgres = listener({
  port: 5432,
  owner: processOwner({
    pid: 700,
    startToken: 'st-700',
    name: 'postgres',
    user: 'postgres',
    uid: 105,
    project: null,
    cwd: '/var/lib/postgresql',
    command: '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main',
    exe: '/usr/lib/postgresql/15/bin/postgres',
  }),
});
const TOKEN = 'Abc123_-'.repeat(5);

describe('window route #focus=', () => {
  it('selects the named row and opens its details once the first snapshot arrives', async () => {
    window.history.replaceState(null, '', `/${routeHash({ kind: 'focus', listenerId: api.id })}`);
    const { api: fake } = app({ snapshot: 'pending' });
    act(() => fake.resolveSnapshot(snapshot([web, api])));
    const row = await screen.findByRole('option', { name: /Port 3000/ });
    expect(row).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('option', { name: /Port 5173/ })).toHaveAttribute('aria-selected', 'false');
    expect(screen.getByRole('region', { name: 'Details for port 3000' })).toBeInTheDocument();
    expect(screen.getByRole('toolbar', { name: 'Actions for port 3000' })).toBeInTheDocument();
    // The route is consumed, so the same route sent again is a change (a second notification click).
    expect(window.location.hash).toBe('');
  });

  it('reaches a row hidden by a typed filter and the System toggle when the window is already open', async () => {
    const { user } = app({ snapshot: snapshot([web, api, postgres]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    expect(screen.queryByRole('option', { name: /Port 5432/ })).not.toBeInTheDocument();
    await user.type(screen.getByRole('searchbox', { name: 'Filter listeners' }), 'node');
    expect(screen.queryByRole('option', { name: /Port 5432/ })).not.toBeInTheDocument();
    navigate(routeHash({ kind: 'focus', listenerId: postgres.id }));
    const row = await screen.findByRole('option', { name: /Port 5432/ });
    expect(row).toHaveAttribute('aria-selected', 'true');
    expect(row).toHaveAttribute('data-listener-id', postgres.id);
    expect(screen.getByRole('region', { name: 'Details for port 5432' })).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Filter listeners' })).toHaveValue('');
    // Revealing one row does not flip the user's saved toggle.
    expect(screen.getByRole('button', { name: /^System/ })).toHaveAttribute('aria-pressed', 'false');

    // The same route again (after the first was consumed) focuses it again.
    await user.click(screen.getByRole('option', { name: /Port 5173/ }));
    navigate(routeHash({ kind: 'focus', listenerId: postgres.id }));
    await waitFor(() =>
      expect(screen.getByRole('option', { name: /Port 5432/ })).toHaveAttribute('aria-selected', 'true'),
    );
  });

  it('scrolls a row far down the list into view', async () => {
    // jsdom has no layout: give the list a 400 px viewport so the virtualizer has something to scroll.
    const desc = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('list-scroller') ? 400 : 0;
      },
    });
    restores.push(() => {
      if (desc) Object.defineProperty(HTMLElement.prototype, 'clientHeight', desc);
    });
    const many = syntheticListeners(300);
    const target = many[250]!;
    app({ snapshot: snapshot(many) });
    const list = await screen.findByRole('listbox', { name: 'Listeners' });
    expect(list.querySelector(`[data-listener-id="${CSS.escape(target.id)}"]`)).toBeNull();
    navigate(routeHash({ kind: 'focus', listenerId: target.id }));
    await waitFor(() => expect(list.scrollTop).toBeGreaterThan(0));
    fireEvent.scroll(list);
    const row = await waitFor(() => {
      const el = list.querySelector(`[data-listener-id="${CSS.escape(target.id)}"]`);
      expect(el).not.toBeNull();
      return el as HTMLElement;
    });
    expect(row).toHaveAttribute('aria-selected', 'true');
    const top = Number(/translateY\((\d+(?:\.\d+)?)px\)/.exec(row.style.transform)?.[1]);
    expect(top).toBeGreaterThanOrEqual(list.scrollTop);
    expect(top).toBeLessThan(list.scrollTop + 400);
  });

  it('for a listener that is not in the snapshot, changes nothing and says it is gone', async () => {
    const { store } = app({ snapshot: snapshot([web, api]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    const before = store.getState().selectedId;
    navigate(routeHash({ kind: 'focus', listenerId: 'tcp4|127.0.0.1|9' }));
    expect(await screen.findByText('That listener is no longer listening.')).toBeInTheDocument();
    expect(store.getState().selectedId).toBe(before);
    expect(screen.queryByRole('region', { name: /Details for port/ })).not.toBeInTheDocument();
    expect(screen.getAllByRole('option')).toHaveLength(2);
  });
});

describe('window route #lookup', () => {
  it('puts the cursor in the filter, ready for a port number', async () => {
    const { user } = app({ snapshot: snapshot([web, api]) });
    await user.click(await screen.findByRole('option', { name: /Port 3000/ }));
    expect(screen.getByRole('searchbox', { name: 'Filter listeners' })).not.toHaveFocus();
    navigate('#lookup');
    const box = screen.getByRole('searchbox', { name: 'Filter listeners' });
    await waitFor(() => expect(box).toHaveFocus());
    await user.keyboard('6379');
    expect(box).toHaveValue('6379');
    expect(await screen.findByText(/Port 6379 is free/)).toBeInTheDocument();
  });

  it('works at start too', async () => {
    window.history.replaceState(null, '', '/#lookup');
    app({ snapshot: snapshot([web]) });
    expect(screen.getByRole('searchbox', { name: 'Filter listeners' })).toHaveFocus();
  });
});

describe('window route #why= (a watched port went down)', () => {
  it('puts the port in the filter and shows its diagnosis, verdict first', async () => {
    const { api: fake } = app({
      snapshot: snapshot([web, api]),
      why: (target) =>
        ok({
          target: { input: target, host: 'localhost', isName: true, port: 6379, scheme: null, path: '/' },
          reachable: false,
          verdict: `Not reachable: ${target} — nothing listens on port 6379.`,
          findings: [],
          resolved: null,
          attempts: [],
          historyFrom: null,
          historyNote: null,
          elapsedMs: 3,
        }),
    });
    await screen.findByRole('option', { name: /Port 3000/ });
    navigate(routeHash({ kind: 'why', target: '6379' }));
    const box = screen.getByRole('searchbox', { name: 'Filter listeners' });
    await waitFor(() => expect(box).toHaveValue('6379'));
    const section = await screen.findByRole('region', { name: "Why can't I connect?" });
    expect(section.textContent).toMatch(/^Not reachable: 6379 — nothing listens on port 6379\./);
    expect(fake.calls.filter((c) => c.method === 'why').at(-1)?.params).toEqual({ target: '6379' });
  });
});

describe('routes and the browser-mode token', () => {
  it('acts on #token=…&focus=… and leaves #token=… for the WebSocket client', async () => {
    const hash = `#token=${TOKEN}&${routeHash({ kind: 'focus', listenerId: api.id }).slice(1)}`;
    window.history.replaceState(null, '', `/${hash}`);
    expect(tokenFromHash(window.location.hash)).toBe(TOKEN);
    app({ snapshot: snapshot([web, api]) });
    const row = await screen.findByRole('option', { name: /Port 3000/ });
    expect(row).toHaveAttribute('aria-selected', 'true');
    expect(window.location.hash).toBe(`#token=${TOKEN}`);
    expect(tokenFromHash(window.location.hash)).toBe(TOKEN);
  });
});

describe('pause', () => {
  it('pauses and resumes scanning through the API and says the list is not live', async () => {
    let clock = Date.now();
    const { api: fake, user } = app(
      { snapshot: snapshot([web], { takenAt: clock }) },
      { connect: { now: () => clock, clockTickMs: 20 } },
    );
    await screen.findByRole('option', { name: /Port 5173/ });
    expect(screen.queryByText('Paused')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Pause scanning' }));
    expect(fake.calls.filter((c) => c.method === 'setPaused')).toEqual([
      { method: 'setPaused', params: { paused: true } },
    ]);
    expect(await screen.findByText('Paused')).toBeInTheDocument();
    const banner = screen.getByText(/Scanning is paused/);
    expect(banner).toHaveAttribute('role', 'status');
    expect(banner).toHaveTextContent('Scanning is paused: the list was taken just now and is not live.');
    // The age keeps counting while paused.
    clock += 45_000;
    await waitFor(() => expect(banner).toHaveTextContent('taken 45 s ago'));
    expect(screen.getByLabelText('Scan summary')).toHaveTextContent('45 s ago');

    await user.click(screen.getByRole('button', { name: 'Resume scanning' }));
    expect(fake.calls.filter((c) => c.method === 'setPaused').map((c) => c.params)).toEqual([
      { paused: true },
      { paused: false },
    ]);
    await waitFor(() => expect(screen.queryByText('Paused')).not.toBeInTheDocument());
    expect(screen.queryByText(/Scanning is paused/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pause scanning' })).toBeEnabled();
  });

  it('stays live and says why when the core refuses', async () => {
    const { user } = app({
      snapshot: snapshot([web]),
      setPaused: () => err('INTERNAL', 'The poller is not running.'),
    });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.click(screen.getByRole('button', { name: 'Pause scanning' }));
    expect(await screen.findByText('The poller is not running.')).toBeInTheDocument();
    expect(screen.queryByText('Paused')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pause scanning' })).toBeEnabled();
  });

  it('after a reconnect shows the pause state the core reports, and sends no pause of its own', async () => {
    const { api: fake, user } = app({ snapshot: snapshot([web]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.click(screen.getByRole('button', { name: 'Pause scanning' }));
    await screen.findByText('Paused');
    act(() => fake.setConnection('closed'));
    // While this window was away, the tray resumed scanning: the core's latest snapshot says so.
    fake.setCurrent(snapshot([web], { seq: 10, paused: false }));
    act(() => fake.setConnection('open'));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Pause scanning' })).toBeEnabled());
    expect(within(screen.getByRole('banner')).queryByText('Paused')).not.toBeInTheDocument();
    expect(fake.calls.filter((c) => c.method === 'setPaused').map((c) => c.params)).toEqual([
      { paused: true },
    ]);
  });
});
