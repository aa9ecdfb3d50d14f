import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../app/model/errors.js';
import type { RemoteHostView, TrustOutcome, TrustQuestion } from '../../app/model/remote-host.js';
import type { HostsDeps } from '../store/hosts-context.js';
import { createAppStore } from '../store/app-store.js';
import { StoreContext } from '../store/store-context.js';
import { HostPanel } from './HostPanel.js';

const FP = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

function stopped(state: 'host-key-unknown' | 'host-key-changed'): RemoteHostView {
  return {
    alias: 'devbox',
    state,
    failure: {
      state,
      message: 'The host key of devbox is not known.',
      command: 'ssh devbox',
      fingerprint: `ssh-ed25519 ${FP}`,
    },
    listeners: null,
    durationMs: null,
    forwardsBroken: false,
    nextRetryMs: null,
  };
}

const QUESTION: TrustQuestion = {
  id: 'q1',
  alias: 'devbox',
  host: 'devbox (10.0.0.2)',
  fingerprint: FP,
  reportedFingerprint: FP,
  // A hostile remote name inside ssh's question: an escape sequence and a bidi override.
  prompt: `The authenticity of host 'devbox (\u001b[31m10.0.0.2\u202e)' can't be established.\nED25519 key fingerprint is ${FP}.\nAre you sure you want to continue connecting (yes/no/[fingerprint])?`,
  expiresAt: Date.now() + 60_000,
};

/** A HostPanel wired to scripted hosts methods; `begin` decides what beginTrust answers and when. */
function mount(
  view: RemoteHostView,
  begin: () => Promise<Result<TrustQuestion>> = async () => ok(QUESTION),
  outcome: Partial<TrustOutcome> = {},
) {
  const calls: { method: string; arg: unknown }[] = [];
  const log = (method: string, arg?: unknown) => void calls.push({ method, arg });
  const deps: HostsDeps = {
    page: null,
    refreshMs: 60_000,
    api: {
      listHosts: async () => ({ config: '', hosts: [], refused: [] }),
      getHost: async (a) => (log('getHost', a), ok(view)),
      collapseHost: async () => ok({ polling: false }),
      openRemote: async () => err('UNSUPPORTED', 'not here'),
      listForwards: async () => [],
      closeForwards: async () => ok({ closed: 0 }),
      killRemote: async () => err('UNSUPPORTED', 'not here'),
      beginTrust: (a) => (log('beginTrust', a), begin()),
      answerTrust: async (a) => {
        log('answerTrust', a);
        return ok({
          alias: 'devbox',
          answer: a.accept ? 'yes' : 'no',
          recorded: a.accept,
          message: a.accept
            ? `The host key of devbox (${FP}) was added to your known_hosts. ssh then logged in.`
            : 'The host key of devbox was not trusted; known_hosts is unchanged.',
          refusedPrompts: [],
          ...outcome,
        });
      },
    },
  };
  const user = userEvent.setup();
  render(
    <StoreContext.Provider value={createAppStore()}>
      <HostPanel alias="devbox" deps={deps} onForwardsChanged={() => undefined} />
    </StoreContext.Provider>,
  );
  return { user, calls };
}

async function openHost(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: /devbox/ }));
  await screen.findByText(/is not known/);
}

describe('"Trust this host…" in a host section', () => {
  it('is offered for an unknown key; the dialog shows both fingerprints with the focus on Cancel', async () => {
    const { user, calls } = mount(stopped('host-key-unknown'));
    await openHost(user);
    await user.click(screen.getByRole('button', { name: 'Trust this host…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Trust the host key of devbox?' });
    await within(dialog).findByText('ssh shows');
    expect(within(dialog).getByText('devbox (10.0.0.2)')).toBeInTheDocument();
    expect(within(dialog).getAllByText(FP)).toHaveLength(2);
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(calls.filter((c) => c.method === 'beginTrust')).toEqual([
      { method: 'beginTrust', arg: { alias: 'devbox' } },
    ]);
    // Nothing was answered by merely showing the question.
    expect(calls.some((c) => c.method === 'answerTrust')).toBe(false);
    // ssh's question is shown cleaned: no escape sequence, no bidi override.
    const prompt = dialog.querySelector('.trust-prompt')?.textContent ?? '';
    expect(prompt).toContain("The authenticity of host 'devbox (10.0.0.2)'");
    expect(prompt).not.toContain('\u001b');
    expect(prompt).not.toContain('\u202e');
  });

  it('"Trust and connect" sends yes once and shows what ssh did', async () => {
    const { user, calls } = mount(stopped('host-key-unknown'));
    await openHost(user);
    await user.click(screen.getByRole('button', { name: 'Trust this host…' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(await within(dialog).findByRole('button', { name: 'Trust and connect' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/was added to your known_hosts/);
    expect(calls.filter((c) => c.method === 'answerTrust')).toEqual([
      { method: 'answerTrust', arg: { id: 'q1', accept: true } },
    ]);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('status')).toHaveTextContent(/trusted; reconnecting/);
  });

  it('Esc answers no, and Tab stays inside the dialog', async () => {
    const { user, calls } = mount(stopped('host-key-unknown'));
    await openHost(user);
    await user.click(screen.getByRole('button', { name: 'Trust this host…' }));
    const dialog = await screen.findByRole('dialog');
    const cancel = await within(dialog).findByRole('button', { name: 'Cancel' });
    const trust = within(dialog).getByRole('button', { name: 'Trust and connect' });
    await user.tab();
    expect(trust).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab({ shift: true });
    expect(trust).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Trust this host…' })).toHaveFocus();
    expect(calls.filter((c) => c.method === 'answerTrust')).toEqual([
      { method: 'answerTrust', arg: { id: 'q1', accept: false } },
    ]);
  });

  it('closed before ssh asked: the question is answered no as soon as it arrives', async () => {
    let arrive!: (r: Result<TrustQuestion>) => void;
    const { user, calls } = mount(
      stopped('host-key-unknown'),
      () => new Promise((resolve) => (arrive = resolve)),
    );
    await openHost(user);
    await user.click(screen.getByRole('button', { name: 'Trust this host…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('status')).toHaveTextContent(/Connecting to devbox/);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    arrive(ok(QUESTION));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'answerTrust')).toEqual([
        { method: 'answerTrust', arg: { id: 'q1', accept: false } },
      ]),
    );
  });

  it('shows a refusal from the core (a mismatch, a secret prompt) with the command to verify by hand', async () => {
    const { user } = mount(stopped('host-key-unknown'), async () =>
      err(
        'TRUST_REFUSED',
        'ssh now shows SHA256:other, not the SHA256:x the failed connection reported: answered no.',
        {
          command: 'ssh devbox',
        },
      ),
    );
    await openHost(user);
    await user.click(screen.getByRole('button', { name: 'Trust this host…' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/answered no/);
    expect(within(dialog).getByText('ssh devbox')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Trust and connect' })).toBeNull();
  });

  it('is never offered for a CHANGED key', async () => {
    const { user } = mount(stopped('host-key-changed'));
    await user.click(screen.getByRole('button', { name: /devbox/ }));
    await screen.findByText(/HOST KEY CHANGED/);
    expect(screen.queryByRole('button', { name: 'Trust this host…' })).toBeNull();
  });
});
