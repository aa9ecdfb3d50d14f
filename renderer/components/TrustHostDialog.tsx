import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { InvokeApi } from '../../app/contract/methods.js';
import type { HmError, Result } from '../../app/model/errors.js';
import type { TrustOutcome, TrustQuestion } from '../../app/model/remote-host.js';
import { cleanText as cleanLines } from '../../app/model/clean-text.js';
import { cleanText } from '../format/text.js';
import { cycleFocus } from './focus-trap.js';

type Phase =
  | { readonly kind: 'asking' }
  | { readonly kind: 'question'; readonly question: TrustQuestion }
  | { readonly kind: 'answering'; readonly accept: boolean }
  | { readonly kind: 'done'; readonly outcome: TrustOutcome }
  | { readonly kind: 'error'; readonly error: HmError };

/**
 * "Trust this host…" (docs/SECURITY.md, Remote hosts): while the core's one foreground ssh
 * connects (`question`, started by the button), then shows ssh's fingerprint next to the one the failed connection reported (the core has
 * already refused a mismatch). Nothing is trusted unless the user presses "Trust"; Cancel has the
 * focus, and Esc, Cancel or closing answer ssh "no".
 */
export function TrustHostDialog({
  alias,
  question,
  api,
  onClose,
}: {
  readonly alias: string;
  /** The `beginTrust` call the "Trust this host…" button made (started by the click, not by a render). */
  readonly question: Promise<Result<TrustQuestion>>;
  readonly api: Pick<InvokeApi, 'answerTrust'>;
  /** Closed; `recorded`: the key is now in known_hosts (the host reconnects). */
  readonly onClose: (recorded: boolean) => void;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: 'asking' });
  const dialog = useRef<HTMLDivElement>(null);
  const safeAlias = cleanText(alias);

  useEffect(() => {
    let live = true;
    void question.then((r) => {
      if (live) setPhase(r.ok ? { kind: 'question', question: r.value } : { kind: 'error', error: r.error });
    });
    return () => {
      live = false;
    };
  }, [question]);
  useEffect(() => {
    // Back to what opened the dialog (the "Trust this host…" button) when it closes.
    const opener = document.activeElement;
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  useEffect(() => {
    (dialog.current?.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.current)?.focus();
  }, [phase.kind]);

  const answer = (accept: boolean) => {
    if (phase.kind !== 'question') return;
    setPhase({ kind: 'answering', accept });
    void api
      .answerTrust({ id: phase.question.id, accept })
      .then((r) => setPhase(r.ok ? { kind: 'done', outcome: r.value } : { kind: 'error', error: r.error }));
  };
  const close = () => {
    // Closed before ssh asked: its question is answered "no" the moment it arrives.
    if (phase.kind === 'asking')
      void question.then((r) => {
        if (r.ok) void api.answerTrust({ id: r.value.id, accept: false });
      });
    if (phase.kind === 'question') void api.answerTrust({ id: phase.question.id, accept: false });
    onClose(phase.kind === 'done' && phase.outcome.recorded);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else cycleFocus(e, dialog.current);
    e.stopPropagation();
  };

  let body;
  if (phase.kind === 'asking' || phase.kind === 'answering') {
    body = (
      <>
        <p className="dialog-lead" role="status">
          {phase.kind === 'asking'
            ? `Connecting to ${safeAlias} to read its host key…`
            : phase.accept
              ? 'Adding the key to known_hosts and connecting…'
              : 'Answering no…'}
        </p>
        <div className="dialog-buttons">
          <button type="button" className="btn" data-autofocus onClick={close}>
            Cancel
          </button>
        </div>
      </>
    );
  } else if (phase.kind === 'question') {
    const q = phase.question;
    body = (
      <>
        <p className="dialog-lead">
          Trust the key only if this fingerprint is the one the host&apos;s owner gave you (on the host:{' '}
          <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>).
        </p>
        <dl className="trust-fingerprints">
          <dt>ssh asks about</dt>
          <dd>{cleanText(q.host)}</dd>
          <dt>ssh shows</dt>
          <dd>
            <code className="fingerprint" data-testid="trust-fingerprint">
              {cleanText(q.fingerprint)}
            </code>
          </dd>
          <dt>The failed connection reported</dt>
          <dd>
            <code className="fingerprint">{cleanText(q.reportedFingerprint)}</code>
          </dd>
        </dl>
        <p className="muted">Both are the same key. Answer within 60 s, or ssh is answered no.</p>
        <details>
          <summary>ssh&apos;s question</summary>
          <pre className="trust-prompt">{cleanLines(q.prompt, { newlines: true, max: 2000 })}</pre>
        </details>
        <div className="dialog-buttons">
          <button type="button" className="btn" data-autofocus onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn" onClick={() => answer(true)}>
            Trust and connect
          </button>
        </div>
      </>
    );
  } else {
    const text = phase.kind === 'done' ? phase.outcome.message : phase.error.message;
    const good = phase.kind === 'done' && phase.outcome.recorded;
    const refused = phase.kind === 'done' ? phase.outcome.refusedPrompts : [];
    const command = phase.kind === 'error' ? phase.error.command : undefined;
    body = (
      <>
        <p className={`result tone-${good ? 'good' : 'bad'}`} role="alert">
          {cleanText(text)}
        </p>
        {refused.length > 0 ? (
          <div>
            <p className="muted">
              ssh also asked for the following; Harbormaster never collects secrets and answered no:
            </p>
            <ul className="held-list">
              {refused.map((p, i) => (
                <li key={i}>{cleanText(p)}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {command ? (
          <p>
            Verify it yourself: <code className="host-command">{cleanText(command)}</code>
          </p>
        ) : null}
        <div className="dialog-buttons">
          <button type="button" className="btn" data-autofocus onClick={close}>
            Close
          </button>
        </div>
      </>
    );
  }
  // In a portal: a host section's own stacking context (its Pin buttons) must not sit above the backdrop.
  return createPortal(
    <div className="dialog-backdrop trust-backdrop">
      <div
        ref={dialog}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="trust-title"
        aria-busy={phase.kind === 'asking' || phase.kind === 'answering'}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id="trust-title" className="dialog-title">
          Trust the host key of {safeAlias}?
        </h2>
        {body}
      </div>
    </div>,
    document.body,
  );
}
