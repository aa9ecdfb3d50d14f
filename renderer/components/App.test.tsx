import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../app/model/errors.js';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import {
  httpUp,
  killReport,
  listener,
  processOwner,
  snapshot,
  unknownOwner,
} from '../../app/testing/fixtures.js';
import { mountApp } from '../test-support/render-app.js';

const app = mountApp;

const vite = listener({
  port: 5173,
  address: '::1',
  owner: processOwner({ pid: 4242, startToken: 'st-4242', name: 'node' }),
  health: httpUp({ title: 'Vite App', latencyMs: 12 }),
});
const apiServer = listener({
  port: 3000,
  address: '0.0.0.0',
  owner: processOwner({
    pid: 5000,
    startToken: 'st-5000',
    name: 'api-server',
    project: null,
    command: 'node api.js',
  }),
  health: { state: 'refused', checkedAt: 1, latencyMs: 1 },
});
const report = killReport;

describe('states', () => {
  it('shows a loading state until the first snapshot, then the rows', async () => {
    const { api } = app({ snapshot: 'pending' });
    expect(screen.getByText(/Scanning listening ports/)).toBeInTheDocument();
    act(() => api.resolveSnapshot(snapshot([vite])));
    expect(await screen.findByRole('option', { name: /Port 5173/ })).toBeInTheDocument();
    expect(screen.queryByText(/Scanning listening ports/)).not.toBeInTheDocument();
  });

  it('names the core version and contract on the brand line', async () => {
    app({ snapshot: snapshot([]) });
    const brand = screen.getByRole('heading', { name: 'Harbormaster' });
    await waitFor(() => expect(brand).toHaveAttribute('title', 'Harbormaster 0.1.0 · contract v1'));
  });

  it('counts in the header only listeners that are listening, not rows of ones that just went away', async () => {
    const { api } = app({ snapshot: snapshot([vite, apiServer]) });
    const summary = await screen.findByLabelText('Scan summary');
    await waitFor(() => expect(summary).toHaveTextContent(/^2 listening/));
    act(() => api.push(snapshot([apiServer], { seq: 2 })));
    // The vite row stays, greyed out as gone; the header must not say "2 of 1".
    expect(await screen.findByRole('option', { name: /Port 5173/ })).toBeInTheDocument();
    expect(summary).toHaveTextContent(/^1 listening/);
  });

  it('says "Nothing is listening" for an empty but complete scan', async () => {
    app({ snapshot: snapshot([]) });
    expect(await screen.findByText(/Nothing is listening/)).toBeInTheDocument();
    expect(screen.getByText(/Complete scan via procfs/)).toBeInTheDocument();
  });

  it('says the scan failed and keeps the last good list, marked stale', async () => {
    app({
      snapshot: snapshot([vite], {
        status: 'failed',
        stale: true,
        error: { code: 'SCAN_FAILED', message: 'ss timed out after 5 s' },
      }),
    });
    const alert = await screen.findByText(/Scan failed: ss timed out after 5 s/);
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert.textContent).toMatch(/last good list/);
    expect(screen.getByRole('option', { name: /Port 5173/ })).toBeInTheDocument();
  });

  it('never shows a failed scan with no earlier result as "nothing listening"', async () => {
    app({
      snapshot: snapshot([], {
        status: 'failed',
        stale: true,
        error: { code: 'TOOL_MISSING', message: 'ss not found' },
      }),
    });
    expect(await screen.findByText(/the scan failed and there is no earlier result/)).toBeInTheDocument();
    expect(screen.queryByText(/Nothing is listening/)).not.toBeInTheDocument();
  });

  it('explains a permission-limited scan and names unknown owners "needs admin"', async () => {
    app({
      snapshot: snapshot([listener({ port: 22, address: '0.0.0.0', owner: unknownOwner(), url: null })], {
        status: 'partial',
        notes: [{ code: 'OWNERS_HIDDEN', message: '1 socket owner hidden.', count: 1 }],
      }),
    });
    expect(await screen.findByText(/1 owner not readable without admin rights/)).toBeInTheDocument();
    const row = screen.getByRole('option', { name: /Port 22/ });
    expect(within(row).getByText('owner unknown (needs admin)')).toBeInTheDocument();
  });

  it('says when the connection is lost and when it comes back', async () => {
    const { api } = app({ snapshot: snapshot([vite]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    act(() => api.setConnection('closed'));
    expect(screen.getByRole('alert')).toHaveTextContent(/Connection lost/);
    expect(screen.getByRole('option', { name: /Port 5173/ })).toBeInTheDocument();
    act(() => api.setConnection('open'));
    await waitFor(() => expect(screen.queryByText(/Connection lost/)).not.toBeInTheDocument());
  });

  it('shows a browser-mode address without a token as a problem, not an empty list', async () => {
    app({ snapshot: new Error('no token') }, { transportProblem: 'This address has no access token.' });
    expect(await screen.findByText('This address has no access token.')).toBeInTheDocument();
  });
});

describe('rows', () => {
  it('shows port, protocol, address with exposure, process, pid, user, uptime and health', async () => {
    app({ snapshot: snapshot([vite, apiServer]) });
    const row = await screen.findByRole('option', { name: /Port 5173/ });
    expect(row).toHaveAttribute('data-port', '5173');
    expect(row).toHaveAttribute('data-listener-id', vite.id);
    const r = within(row);
    expect(r.getByText('tcp6')).toBeInTheDocument();
    // The address ellipsizes in the middle (head and tail spans) and keeps its whole text.
    expect(row.querySelector('.addr')).toHaveTextContent(/^\[::1\]$/);
    expect(row.querySelector('.addr')).toHaveAttribute('title', '::1');
    expect(r.getByText('loopback')).toHaveAttribute('title', expect.stringMatching(/not from the network/));
    // Named by project and script first, the process name second.
    expect(r.getByText('shop · vite')).toBeInTheDocument();
    expect(r.getByText('node')).toHaveClass('proc');
    expect(r.getByText('4242')).toBeInTheDocument();
    expect(r.getByText('alice')).toBeInTheDocument();
    expect(r.getByText('1h 2m')).toBeInTheDocument();
    expect(r.getByText('HTTP 200 · "Vite App" · 12 ms')).toHaveAttribute(
      'title',
      expect.stringMatching(/status 200/),
    );
    const exposed = screen.getByRole('option', { name: /Port 3000/ });
    expect(within(exposed).getByText('all interfaces')).toHaveAttribute(
      'title',
      expect.stringMatching(/any network/),
    );
    expect(within(exposed).getByText('refused')).toBeInTheDocument();
  });

  it('renders hostile process names and titles as inert text', async () => {
    const hostile = '<img src=x onerror=alert(1)>\u001b[31m';
    const container = document.body;
    app({
      snapshot: snapshot([
        listener({
          port: 4000,
          owner: processOwner({ name: hostile, command: `${hostile} --evil` }),
          health: httpUp({ title: '<script>alert(2)</script>\u0007' }),
        }),
      ]),
    });
    const row = await screen.findByRole('option', { name: /Port 4000/ });
    expect(row.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.innerHTML).not.toContain('\u001b');
    expect(container.innerHTML).not.toContain('\u0007');
  });

  it('hides other users behind a toggle and shows how many are hidden', async () => {
    const bob = listener({
      port: 8080,
      owner: processOwner({ pid: 9, name: 'java', user: 'bob', uid: 1001, project: null }),
    });
    const { user, api } = app({ snapshot: snapshot([vite, listener({ port: 5174 }), bob]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    expect(screen.queryByRole('option', { name: /Port 8080/ })).not.toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: /Other users \+1/ });
    await user.click(toggle);
    expect(await screen.findByRole('option', { name: /Port 8080/ })).toBeInTheDocument();
    expect(api.calls.some((c) => c.method === 'updateSettings')).toBe(true);
  });
});

describe('search', () => {
  it('filters by :port exactly', async () => {
    const { user } = app({ snapshot: snapshot([vite, apiServer]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.type(screen.getByRole('searchbox', { name: 'Filter listeners' }), ':3000');
    expect(screen.getAllByRole('option').map((o) => o.getAttribute('data-port'))).toEqual(['3000']);
  });

  it('says a typed port nothing holds is free, with the next free port from lookup', async () => {
    const { user, api } = app({
      snapshot: snapshot([vite]),
      lookup: (port) => ok({ port, holders: [], free: false, bindTests: [], nextFree: port + 1 }),
    });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.type(screen.getByRole('searchbox', { name: 'Filter listeners' }), ':3000');
    expect(await screen.findByText(/Nothing listed on port 3000, but it is in use/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '3001' })).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'lookup').at(-1)?.params).toEqual({ port: 3000 });
  });

  it('says "port N is free" when the lookup confirms it', async () => {
    const { user } = app({ snapshot: snapshot([vite]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.type(screen.getByRole('searchbox', { name: 'Filter listeners' }), '3000');
    expect(await screen.findByText(/Port 3000 is free/)).toBeInTheDocument();
  });

  it('names the valid range for an invalid port', async () => {
    const { user } = app({ snapshot: snapshot([vite]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    const box = screen.getByRole('searchbox', { name: 'Filter listeners' });
    await user.type(box, '619009');
    expect(await screen.findByText(/619009.*1–65535/)).toBeInTheDocument();
    await user.clear(box);
    await user.type(box, ':0');
    expect(await screen.findByText(/1–65535/)).toBeInTheDocument();
  });
});

describe('keyboard', () => {
  it('typing anywhere filters, arrows move, Enter opens, Esc clears', async () => {
    const { user, api } = app({ snapshot: snapshot([vite, apiServer, listener({ port: 8000 })]) });
    await screen.findByRole('option', { name: /Port 5173/ });
    await user.keyboard('api');
    const box = screen.getByRole('searchbox', { name: 'Filter listeners' });
    expect(box).toHaveFocus();
    expect(box).toHaveValue('api');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    await user.keyboard('{Escape}');
    expect(box).toHaveValue('');
    expect(screen.getAllByRole('option')).toHaveLength(3);

    await user.keyboard('{ArrowDown}');
    const selected = () =>
      screen.getAllByRole('option').find((o) => o.getAttribute('aria-selected') === 'true');
    const first = selected()?.getAttribute('data-port');
    await user.keyboard('{ArrowDown}');
    const second = selected()?.getAttribute('data-port');
    expect(second).not.toBe(first);
    const listbox = screen.getByRole('listbox', { name: 'Listeners' });
    expect(listbox.getAttribute('aria-activedescendant')).toBe(selected()?.id);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(api.calls.some((c) => c.method === 'open')).toBe(true));
    const opened = api.calls.find((c) => c.method === 'open')?.params as { listenerId: string };
    expect(opened.listenerId).toBe(selected()?.getAttribute('data-listener-id'));
  });

  it('Ctrl+K asks to kill the selected row; Esc closes the dialog', async () => {
    const { user, api } = app({ snapshot: snapshot([vite]) });
    await user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.calls.some((c) => c.method === 'kill')).toBe(false);
  });

  it('Delete on the list asks to kill too', async () => {
    const { user } = app({ snapshot: snapshot([vite]) });
    await user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    screen.getByRole('listbox', { name: 'Listeners' }).focus();
    await user.keyboard('{Delete}');
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
  });
});

describe('kill', () => {
  async function confirmKill(script: Parameters<typeof mountApp>[0]) {
    const r = app(script);
    await r.user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    await r.user.click(screen.getByRole('button', { name: 'Kill…' }));
    const dialog = await screen.findByRole('dialog', { name: /Kill node on port 5173/ });
    return { ...r, dialog };
  }

  it('confirms with name, command line, working dir, user, port, pid and uptime, then reports "freed in 0.4 s"', async () => {
    const { user, dialog, api } = await confirmKill({
      snapshot: snapshot([vite]),
      kill: () => ok(report({})),
    });
    const d = within(dialog);
    expect(d.getByText('node')).toBeInTheDocument();
    expect(d.getByText('node /home/alice/dev/shop/node_modules/.bin/vite --port 5173')).toBeInTheDocument();
    expect(d.getByText('/home/alice/dev/shop')).toBeInTheDocument();
    expect(d.getByText('alice')).toBeInTheDocument();
    expect(d.getByText('tcp6 [::1]:5173')).toBeInTheDocument();
    expect(d.getByText('4242')).toBeInTheDocument();
    expect(d.getByText('1h 2m')).toBeInTheDocument();
    expect(api.calls.some((c) => c.method === 'kill')).toBe(false);
    await user.click(d.getByRole('button', { name: 'Kill node' }));
    expect(await screen.findByText('Port 5173 freed in 0.4 s.')).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'kill')?.params).toMatchObject({
      pid: 4242,
      startToken: 'st-4242',
      mode: 'graceful',
    });
  });

  it('a container-owned port offers "Stop container" with the image badge, never "Kill docker-proxy"', async () => {
    const info = {
      id: 'f'.repeat(64),
      shortId: 'ffffffffffff',
      name: 'web',
      image: 'img:1',
      state: 'running',
      health: 'healthy',
      composeProject: 'shop',
      composeService: 'web',
      restartPolicy: 'always',
      pid: 99,
      ips: ['172.17.0.2'],
      published: [],
      inside: null,
    };
    const proxied = listener({
      port: 18080,
      owner: processOwner({
        pid: 777,
        name: 'docker-proxy',
        container: { kind: 'docker', name: 'web', id: 'ffffffffffff', image: 'img:1', info, access: 'ok' },
      }),
    });
    const r = app({ snapshot: snapshot([proxied]), kill: () => ok(report({ port: 18080 })) });
    await r.user.click(await screen.findByRole('option', { name: /Port 18080/ }));
    expect(screen.queryByRole('button', { name: 'Kill…' })).toBeNull();
    await r.user.click(screen.getByRole('button', { name: 'Stop container…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Stop container web on port 18080?' });
    const d = within(dialog);
    expect(d.getByText('img:1')).toBeInTheDocument();
    expect(d.getByText('running (healthy) · compose shop/web · restart always')).toBeInTheDocument();
    await r.user.click(d.getByRole('button', { name: 'Stop container web' }));
    expect(r.api.calls.find((c) => c.method === 'kill')?.params).toMatchObject({ pid: 777 });
  });

  it('offers Force kill when the process ignored SIGTERM', async () => {
    let calls = 0;
    const { user, dialog, api } = await confirmKill({
      snapshot: snapshot([vite]),
      kill: () =>
        ok(
          calls++ === 0
            ? report({ outcome: 'still-running' })
            : report({ outcome: 'freed', signals: ['SIGKILL'], elapsedMs: 120 }),
        ),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Kill node' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/still running/);
    await user.click(screen.getByRole('button', { name: /Force kill/ }));
    expect(await screen.findByText('Port 5173 freed in 0.1 s.')).toBeInTheDocument();
    expect(
      api.calls.filter((c) => c.method === 'kill').map((c) => (c.params as { mode: string }).mode),
    ).toEqual(['graceful', 'force']);
  });

  it('says who still holds the port, or that it was restarted', async () => {
    const heldBy = { pid: 99, name: 'nodemon', command: 'nodemon server.js' };
    const { user, dialog } = await confirmKill({
      snapshot: snapshot([vite]),
      kill: () => ok(report({ outcome: 'still-held', heldBy })),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Kill node' }));
    expect(await screen.findByText(/port 5173 is still held by nodemon \(pid 99\)/)).toBeInTheDocument();
  });

  it('lists every other port the process holds, then what became of each', async () => {
    const owner = vite.owner;
    const udp = listener({ port: 5353, protocol: 'udp', address: '0.0.0.0', owner, url: null });
    const hmr = listener({ port: 24678, address: '127.0.0.1', owner, url: null });
    const { user, dialog } = await confirmKill({
      snapshot: snapshot([vite, udp, hmr]),
      kill: () =>
        ok(
          report({
            listeners: [
              { protocol: 'tcp', family: 6, address: '::1', port: 5173, fate: 'freed', heldBy: null },
              { protocol: 'udp', family: 4, address: '0.0.0.0', port: 5353, fate: 'freed', heldBy: null },
              {
                protocol: 'tcp',
                family: 4,
                address: '127.0.0.1',
                port: 24678,
                fate: 'rebound',
                heldBy: { pid: 77, name: 'nc', command: 'nc -l 24678' },
              },
            ],
          }),
        ),
    });
    const also = within(within(dialog).getByRole('list', { name: 'Ports this frees' }));
    expect(also.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'tcp6 [::1]:5173',
      'udp4 0.0.0.0:5353',
      'tcp4 127.0.0.1:24678',
    ]);
    await user.click(within(dialog).getByRole('button', { name: 'Kill node' }));
    const fates = within(await screen.findByRole('list', { name: 'What became of each listener' }));
    expect(fates.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'tcp6 [::1]:5173: freed',
      'udp4 0.0.0.0:5353: freed',
      'tcp4 127.0.0.1:24678: now held by nc (pid 77)',
    ]);
  });

  it('reports a restart by a supervisor', async () => {
    const { user, dialog } = await confirmKill({
      snapshot: snapshot([vite]),
      kill: () => ok(report({ outcome: 'restarted', heldBy: { pid: 100, name: 'node', command: 'node' } })),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Kill node' }));
    expect(
      await screen.findByText(/its supervisor restarted it: port 5173 is held again by node \(pid 100\)/),
    ).toBeInTheDocument();
  });

  it('says "needs admin" with a command to copy when the OS refused', async () => {
    const { user, dialog } = await confirmKill({
      snapshot: snapshot([vite]),
      kill: () => ok(report({ outcome: 'permission-denied', command: 'sudo kill 4242' })),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Kill node' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Needs admin/);
    expect(screen.getByText('sudo kill 4242')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy command' })).toBeInTheDocument();
  });

  it.each([
    ['PROTECTED', /protected/],
    ['PROCESS_CHANGED', /process changed since the list was taken/],
    ['NOT_IN_SNAPSHOT', /no longer in the current list/],
  ] as const)('explains a refusal with code %s', async (code, text) => {
    const { user, dialog } = await confirmKill({
      snapshot: snapshot([vite]),
      kill: () => err(code, 'refused by the core'),
    });
    await user.click(within(dialog).getByRole('button', { name: 'Kill node' }));
    expect(await screen.findByText(text)).toBeInTheDocument();
    expect(screen.getByText('refused by the core')).toBeInTheDocument();
  });
});

describe('details and actions', () => {
  it('shows the full command, cwd, user, start, sockets and health history', async () => {
    const sibling = listener({ port: 24678, owner: vite.owner, url: null });
    const { user, api } = app({ snapshot: snapshot([vite, sibling], { seq: 1 }) });
    await user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    act(() =>
      api.push(
        snapshot([{ ...vite, health: { state: 'refused', checkedAt: 5, latencyMs: 1 } }, sibling], {
          seq: 2,
        }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Details' }));
    const details = screen.getByRole('region', { name: 'Details for port 5173' });
    const d = within(details);
    expect(d.getByText('node /home/alice/dev/shop/node_modules/.bin/vite --port 5173')).toBeInTheDocument();
    expect(d.getByText('/home/alice/dev/shop')).toBeInTheDocument();
    expect(
      within(d.getByRole('list', { name: 'Sockets of this process' })).getAllByRole('listitem'),
    ).toHaveLength(2);
    expect(within(d.getByRole('list', { name: 'Health history' })).getAllByRole('listitem')).toHaveLength(2);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Details for port 5173' })).not.toBeInTheDocument();
  });

  it('checks health now and shows the answer', async () => {
    const { user } = app({
      snapshot: snapshot([vite]),
      checkHealth: () => ok({ state: 'up', kind: 'tcp', latencyMs: 3, checkedAt: 9 }),
    });
    await user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    await user.click(screen.getByRole('button', { name: 'Check health now' }));
    expect(await screen.findByText('TCP open · 3 ms')).toBeInTheDocument();
  });

  it('copies the URL', async () => {
    const { user } = app({ snapshot: snapshot([vite]) });
    await user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    await user.click(screen.getByRole('button', { name: 'Copy URL' }));
    expect(await navigator.clipboard.readText()).toBe('http://[::1]:5173/');
  });

  it('copies a curl command that works for an IPv6 address (-g, quoted)', async () => {
    const { user } = app({ snapshot: snapshot([vite]) });
    await user.click(await screen.findByRole('option', { name: /Port 5173/ }));
    await user.click(screen.getByRole('button', { name: 'Details' }));
    await user.click(screen.getByRole('button', { name: 'Copy curl' }));
    await waitFor(async () =>
      expect(await navigator.clipboard.readText()).toBe("curl -g -i 'http://[::1]:5173/'"),
    );
  });
});

describe('theme', () => {
  it('follows the OS unless settings choose light or dark', async () => {
    const { dispose } = app({ snapshot: snapshot([vite]), settings: { ...DEFAULT_SETTINGS, theme: 'dark' } });
    await screen.findByRole('option', { name: /Port 5173/ });
    await waitFor(() => expect(document.documentElement.dataset['theme']).toBe('dark'));
    dispose();
    delete document.documentElement.dataset['theme'];
  });
});
