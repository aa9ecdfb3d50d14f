import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RemoteKillRequest } from '../../app/contract/api.js';
import { ok, type Result } from '../../app/model/errors.js';
import type { RemoteHostView, RemoteListener } from '../../app/model/remote-host.js';
import type { RemoteKillReport } from '../../app/model/remote-kill.js';
import { okHostView, remoteListener } from '../../app/testing/remote-fixtures.js';
import { hostDeps } from '../test-support/host-deps.js';
import { createAppStore } from '../store/app-store.js';
import { StoreContext } from '../store/store-context.js';
import { HostPanel } from './HostPanel.js';

// Kill… on a remote row (issue 15): the same confirmation as a local kill (focus on Cancel,
// command line, working directory, every port freed), the confirmed identity sent as is, and the
// remote's verdict shown, with the exact command after a permission denial.

const held = (port: number, inode: string): RemoteListener =>
  remoteListener(
    port,
    { command: 'node server.js --inspect\u001b[31m', startedAt: Date.now() - 120_000 },
    { inode },
  );
const other: RemoteListener = {
  ...held(5432, '900'),
  pids: [77],
  holder: { ...held(5432, '900').holder!, pid: 77, name: 'postgres', command: 'postgres' },
};
const hidden: RemoteListener = { ...held(6000, '901'), holder: null, pids: [] };
const view: RemoteHostView = okHostView('devbox', [held(8080, '777'), held(9229, '778'), other, hidden]);

function setup(answer: (r: RemoteKillRequest) => Result<RemoteKillReport>, shown: RemoteHostView = view) {
  const kills: RemoteKillRequest[] = [];
  const deps = hostDeps(shown, { killRemote: async (r) => (kills.push(r), answer(r)) });
  const store = createAppStore();
  render(
    <StoreContext.Provider value={store}>
      <HostPanel alias="devbox" deps={deps} onForwardsChanged={() => undefined} />
    </StoreContext.Provider>,
  );
  return { kills, user: userEvent.setup() };
}

async function openKill(user: ReturnType<typeof userEvent.setup>, port: number) {
  await user.click(screen.getByRole('button', { name: /^devbox/ }));
  const list = await screen.findByRole('listbox', { name: 'Listeners on devbox' });
  await waitFor(() => expect(list.querySelector(`[data-port="${port}"]`)).not.toBeNull());
  await user.click(list.querySelector<HTMLElement>(`[data-port="${port}"]`)!);
  return screen.getByRole('toolbar', { name: `Actions for remote port ${port}` });
}

const freed: RemoteKillReport = {
  alias: 'devbox',
  port: 8080,
  pid: 4242,
  outcome: { kind: 'freed', pid: 4242 },
  signalled: true,
  message: 'Killed pid 4242 on devbox: port 8080 is free (verified by a remote re-scan).',
};

describe('Kill… on a remote host row', () => {
  it('confirms like a local kill: focus on Cancel, cleaned command line, working dir, every port freed', async () => {
    const { kills, user } = setup(() => ok(freed));
    const bar = await openKill(user, 8080);
    await user.click(within(bar).getByRole('button', { name: 'Kill…' }));
    const dialog = screen.getByRole('dialog', { name: 'Kill node on devbox, port 8080?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(dialog).toHaveTextContent('node server.js --inspect');
    expect(dialog.textContent).not.toContain('\u001b');
    expect(dialog).toHaveTextContent('/srv/app');
    expect(within(dialog).getByRole('list', { name: 'Ports this frees' })).toHaveTextContent(
      /127\.0\.0\.1:8080.*127\.0\.0\.1:9229/,
    );
    expect(dialog).not.toHaveTextContent('5432');
    // A stray Enter lands on Cancel: nothing is sent.
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(kills).toEqual([]);
  });

  it('sends exactly the identity the user confirmed and shows the verified result', async () => {
    const { kills, user } = setup(() => ok(freed));
    const bar = await openKill(user, 8080);
    await user.click(within(bar).getByRole('button', { name: 'Kill…' }));
    await user.click(screen.getByRole('button', { name: 'Kill node' }));
    const dialog = await screen.findByRole('dialog', { name: 'Port 8080 on devbox freed' });
    expect(within(dialog).getByRole('alert')).toHaveTextContent('port 8080 is free');
    expect(kills).toEqual([
      { alias: 'devbox', port: 8080, pid: 4242, startTicks: '98765', uid: 1000, inode: '777' },
    ]);
  });

  it('a denial shows the exact command to run by hand, and a changed holder says nothing was signalled', async () => {
    const { user } = setup((r) =>
      r.port === 8080
        ? ok({
            ...freed,
            outcome: { kind: 'denied', detail: 'Operation not permitted' },
            signalled: false,
            message: 'Permission denied killing pid 4242 on devbox (Operation not permitted).',
            command: 'ssh -t devbox -- sudo kill -TERM -- 4242',
          })
        : ok({
            ...freed,
            port: r.port,
            outcome: { kind: 'no-longer-holds' },
            signalled: false,
            message: `Not signalled: pid 4242 no longer holds port ${r.port} on devbox.`,
          }),
    );
    let bar = await openKill(user, 8080);
    await user.click(within(bar).getByRole('button', { name: 'Kill…' }));
    await user.click(screen.getByRole('button', { name: 'Kill node' }));
    const denied = await screen.findByRole('dialog', { name: 'Needs admin on devbox to stop node' });
    expect(denied.querySelector('.command-box code')).toHaveTextContent(
      'ssh -t devbox -- sudo kill -TERM -- 4242',
    );
    await user.click(within(denied).getByRole('button', { name: 'Close' }));
    bar = screen.getByRole('toolbar', { name: 'Actions for remote port 8080' });
    const list = screen.getByRole('listbox', { name: 'Listeners on devbox' });
    await user.click(list.querySelector<HTMLElement>('[data-port="9229"]')!);
    bar = screen.getByRole('toolbar', { name: 'Actions for remote port 9229' });
    await user.click(within(bar).getByRole('button', { name: 'Kill…' }));
    await user.click(screen.getByRole('button', { name: 'Kill node' }));
    const changed = await screen.findByRole('dialog', { name: 'node on devbox: not signalled' });
    expect(changed).toHaveTextContent('no longer holds port 9229');
  });

  it('offers no kill for a port whose process this login cannot see', async () => {
    const { user } = setup(() => ok(freed));
    const bar = await openKill(user, 6000);
    expect(within(bar).getByRole('button', { name: 'Kill…' })).toBeDisabled();
  });
});

describe('the host section says which path listed the host', () => {
  it('via agent: the state line says so', async () => {
    const { user } = setup(() => ok(freed), { ...view, via: 'agent' });
    await user.click(screen.getByRole('button', { name: /^devbox/ }));
    expect(await screen.findByText(/Connected · 4 listening · via agent/)).toBeInTheDocument();
  });
  it('via script after a refused agent: the reason is shown, cleaned', async () => {
    const { user } = setup(() => ok(freed), {
      ...view,
      via: 'script',
      agentNote:
        'the remote harbormaster is version 9.0.0\u001b[31m, this one is 0.1.0 (major versions differ)',
    });
    await user.click(screen.getByRole('button', { name: /^devbox/ }));
    expect(await screen.findByText(/via script/)).toBeInTheDocument();
    const note = await screen.findByText(/Listed by the sh script, without health checks/);
    expect(note).toHaveTextContent('major versions differ');
    expect(note.textContent).not.toContain('\u001b');
  });
});
