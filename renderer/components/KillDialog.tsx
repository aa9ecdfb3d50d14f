import { useEffect, useRef, type KeyboardEvent } from 'react';
import {
  addressLabel,
  describeError,
  describeKillReport,
  describeOwner,
  protoLabel,
  type KillResultView,
} from '../format/describe.js';
import { containerOf } from '../format/container.js';
import { cleanText } from '../format/text.js';
import { formatUptime } from '../format/time.js';
import { useActions, useApp } from '../store/store-context.js';

/**
 * Confirms a kill with everything needed to recognise the process (SECURITY.md "Killing" #2),
 * then shows the verified outcome: freed, still running (offer force), restarted, still held,
 * needs admin (with a command to copy), or why it was refused.
 */
export function KillDialog() {
  const flow = useApp((s) => s.kill);
  const now = useApp((s) => s.now);
  const actions = useActions();
  const dialog = useRef<HTMLDivElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const phase = flow?.phase ?? null;

  useEffect(() => {
    if (phase === null) return undefined;
    if (returnFocus.current === null) returnFocus.current = document.activeElement;
    const el = dialog.current;
    const target = el?.querySelector<HTMLElement>('[data-autofocus]') ?? el;
    target?.focus();
    return undefined;
  }, [phase]);
  useEffect(() => {
    if (phase !== null) return;
    const back = returnFocus.current;
    returnFocus.current = null;
    if (back instanceof HTMLElement && back.isConnected) back.focus();
  }, [phase]);

  if (flow === null) return null;
  const l = flow.listener;
  const o = l.owner;
  const owner = describeOwner(o);
  const name = owner.name;
  // Issue 10: a container's port is freed by stopping the container (the core routes the kill).
  const ctr = containerOf(o);
  const verb = ctr ? `Stop container ${ctr.name}` : `Kill ${name}`;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      actions.closeKill();
      return;
    }
    if (e.key === 'Tab') {
      // Keep focus inside the modal dialog (WAI-ARIA dialog pattern).
      const items = [...(dialog.current?.querySelectorAll<HTMLElement>('button:not([disabled])') ?? [])];
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
    e.stopPropagation();
  };

  let body;
  let result: KillResultView | null = null;
  if (flow.phase === 'result') {
    result = flow.report
      ? describeKillReport(flow.report, name)
      : flow.error
        ? describeError(flow.error)
        : null;
  }
  const path = o.kind === 'process' ? cleanText(o.exe ?? o.command) : '';
  if (flow.phase === 'confirm') {
    body = (
      <>
        <p className="dialog-lead">
          Harbormaster sends a graceful stop signal (SIGTERM), waits, then checks that the port is really
          free.
        </p>
        <dl className="facts kill-facts">
          <dt>Process</dt>
          <dd>{name}</dd>
          <dt>Path</dt>
          <dd className="mono">{path || 'unknown'}</dd>
          <dt>User</dt>
          <dd>{owner.user ?? 'unknown'}</dd>
          <dt>Port</dt>
          <dd>
            {protoLabel(l)} {addressLabel(l.address)}:{l.port}
          </dd>
          {ctr ? (
            <>
              <dt>Container</dt>
              <dd>
                {ctr.name} <span className="badge">{ctr.image}</span>{' '}
                <span className="muted">{ctr.facts}</span>
                <div className="explain">
                  Harbormaster stops the container through Docker; it never signals {name}.
                </div>
              </dd>
            </>
          ) : null}
          <dt>PID</dt>
          <dd>{owner.pid ?? 'unknown'}</dd>
          <dt>Uptime</dt>
          <dd>{o.kind === 'process' ? formatUptime(o.startedAt, now) || 'unknown' : 'unknown'}</dd>
        </dl>
        <div className="dialog-buttons">
          <button type="button" className="btn" onClick={actions.closeKill}>
            Cancel
          </button>
          <button
            type="button"
            className="btn danger"
            data-autofocus
            onClick={() => actions.confirmKill('graceful')}
          >
            {verb}
          </button>
        </div>
      </>
    );
  } else if (flow.phase === 'running') {
    body = (
      <p className="dialog-lead" role="status">
        {flow.mode === 'force' ? 'Force-killing' : 'Stopping'} {name} and checking port {l.port}…
      </p>
    );
  } else if (result) {
    body = (
      <>
        <p className={`result tone-${result.tone}`} role="alert">
          {result.headline}
        </p>
        {result.detail && result.detail !== result.headline ? <p className="muted">{result.detail}</p> : null}
        {result.command ? (
          <div className="command-box">
            <code className="command">{result.command}</code>
            <button
              type="button"
              className="btn"
              onClick={() => actions.copyText(result.command ?? '', 'the command')}
            >
              Copy command
            </button>
          </div>
        ) : null}
        <div className="dialog-buttons">
          {result.offerForce ? (
            <button type="button" className="btn danger" onClick={() => actions.confirmKill('force')}>
              Force kill (SIGKILL)
            </button>
          ) : null}
          <button type="button" className="btn" data-autofocus onClick={actions.closeKill}>
            Close
          </button>
        </div>
      </>
    );
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && actions.closeKill()}>
      <div
        ref={dialog}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="kill-title"
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id="kill-title" className="dialog-title">
          {flow.phase === 'result' ? `${verb}: result` : `${verb} on port ${l.port}?`}
        </h2>
        {body}
      </div>
    </div>
  );
}
