import { useEffect, useRef, type KeyboardEvent } from 'react';
import { listenersHeldBy, type ListenerFate } from '../../app/model/actions.js';
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
 * Confirms a kill with everything needed to recognise the process (docs/SECURITY.md#kill-pipeline, step 4),
 * then shows the verified outcome: freed, still running (offer force), restarted, still held,
 * needs admin (with a command to copy), or why it was refused.
 */
export function KillDialog() {
  const flow = useApp((s) => s.kill);
  const now = useApp((s) => s.now);
  const listeners = useApp((s) => s.snapshot?.listeners);
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
  // Every other listener this process holds: a kill frees them too (nginx on 80, 8081, 8443).
  const alsoHeld =
    o.kind === 'process' ? listenersHeldBy(listeners ?? [], o).filter((x) => x.id !== l.id) : [];
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
          {alsoHeld.length > 0 ? (
            <>
              <dt>Also holds</dt>
              <dd>
                <ul className="held-list" aria-label="Other listeners it holds">
                  {alsoHeld.map((h) => (
                    <li key={h.id}>
                      {protoLabel(h)} {addressLabel(h.address)}:{h.port}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
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
        {flow.report && flow.report.listeners.length > 1 ? (
          <ul className="held-list" aria-label="What became of each listener">
            {flow.report.listeners.map((f) => (
              <li key={`${f.protocol}${f.family}|${f.address}|${f.port}`}>
                {protoLabel(f)} {addressLabel(f.address)}:{f.port}: {fateText(f)}
              </li>
            ))}
          </ul>
        ) : null}
        {result.command ? (
          <div className="command-box">
            <code className="command" tabIndex={0}>
              {result.command}
            </code>
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

/** "freed", "still held", "now held by nc (pid 9)". */
function fateText(f: ListenerFate): string {
  if (f.fate === 'freed') return 'freed';
  if (f.fate === 'still-held') return 'still held';
  return f.heldBy
    ? `now held by ${cleanText(f.heldBy.name)} (pid ${f.heldBy.pid})`
    : 'held by another process';
}
