import type { KeyboardEvent } from 'react';
import type { Result } from '../../app/model/errors.js';
import type { Listener } from '../../app/model/listener.js';
import type { RemoteKillReport } from '../../app/model/remote-kill.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { describeOwner } from '../format/describe.js';
import { cleanText } from '../format/text.js';
import { useApp } from '../store/store-context.js';
import { CommandBox } from './KillDialog.js';
import { KillFacts } from './KillConfirm.js';
import { modalKeyDown, useModalFocus } from './use-modal-dialog.js';

/** A remote kill from the window: the row confirmed, then running, then the remote's verdict. */
export type RemoteKillFlow = RemoteKillTarget &
  (
    | { readonly phase: 'confirm' }
    | { readonly phase: 'running' }
    | { readonly phase: 'result'; readonly result: Result<RemoteKillReport> }
  );

/** The row the user chose and every row the same process holds. */
interface RemoteKillTarget {
  readonly listener: Listener;
  readonly held: readonly Listener[];
}

function title(alias: string, flow: RemoteKillFlow, viewer: Viewer | null): string {
  const name = describeOwner(flow.listener.owner, viewer).name;
  const port = flow.listener.port;
  if (flow.phase === 'confirm') return `Kill ${name} on ${alias}, port ${port}?`;
  if (flow.phase === 'running') return `Stopping ${name} on ${alias}…`;
  const r = flow.result;
  if (!r.ok) return `${name} on ${alias}: not killed`;
  if (r.value.outcome.kind === 'freed') return `Port ${port} on ${alias} freed`;
  if (r.value.outcome.kind === 'denied') return `Needs admin on ${alias} to stop ${name}`;
  return r.value.signalled ? `Port ${port} on ${alias} is still held` : `${name} on ${alias}: not signalled`;
}

/**
 * The remote kill dialog (issue 15), in the style of the local one: what tells two "node"s apart
 * (command line, working directory, user, pid, uptime) and every port the kill frees, with focus
 * on Cancel. The core re-checks the confirmed identity on the remote in the same ssh run as the
 * signal, so a holder that changed meanwhile is never signalled. A permission denial shows the
 * exact command to run; Harbormaster never uses sudo.
 */
export function RemoteKillDialog({
  alias,
  viewer = null,
  flow,
  onConfirm,
  onClose,
}: {
  readonly alias: string;
  /** The remote login that read the listing (remoteViewer), when known. */
  readonly viewer?: Viewer | null;
  readonly flow: RemoteKillFlow | null;
  readonly onConfirm: () => void;
  readonly onClose: () => void;
}) {
  const now = useApp((s) => s.now);
  const dialog = useModalFocus(flow?.phase ?? null);
  if (flow === null) return null;
  const l = flow.listener;
  const o = l.owner;
  const owner = describeOwner(o, viewer);
  const host = cleanText(alias);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => modalKeyDown(e, dialog.current, onClose);
  let body;
  if (flow.phase === 'confirm') {
    const freed = [l, ...flow.held.filter((x) => x.id !== l.id)];
    body = (
      <>
        <p className="dialog-lead">
          Harbormaster checks on {host}, in the same ssh run as the signal, that pid {owner.pid} is still this
          process (same start time and user) and still holds the port; only then it sends SIGTERM, waits, and
          re-scans the remote to verify the port is free.
        </p>
        <dl className="facts kill-facts">
          <dt>Host</dt>
          <dd>{host}</dd>
          <dt>Process</dt>
          <dd>{owner.name}</dd>
          <dt>Command</dt>
          <dd>
            <code className="command" tabIndex={0}>
              {o.kind === 'process' ? cleanText(o.command) || 'unknown' : 'unknown'}
            </code>
          </dd>
          <dt>Working dir</dt>
          <dd className="mono">{o.kind === 'process' && o.cwd !== null ? cleanText(o.cwd) : 'unknown'}</dd>
          <KillFacts owner={owner} o={o} now={now} freed={freed} />
        </dl>
        <div className="dialog-buttons">
          <button type="button" className="btn" data-autofocus onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn danger" onClick={onConfirm}>
            Kill {owner.name}
          </button>
        </div>
      </>
    );
  } else if (flow.phase === 'running') {
    body = (
      <p className="dialog-lead" role="status">
        Checking and stopping {owner.name} on {host}, then re-scanning port {l.port}…
      </p>
    );
  } else {
    const r = flow.result;
    const tone = r.ok
      ? r.value.outcome.kind === 'freed'
        ? 'ok'
        : r.value.signalled
          ? 'warn'
          : 'bad'
      : 'bad';
    const command = r.ok ? r.value.command : r.error.command;
    body = (
      <>
        <p className={`result tone-${tone}`} role="alert">
          {cleanText(r.ok ? r.value.message : r.error.message)}
        </p>
        {command ? <CommandBox command={command} /> : null}
        <div className="dialog-buttons">
          <button type="button" className="btn" data-autofocus onClick={onClose}>
            Close
          </button>
        </div>
      </>
    );
  }
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialog}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`remote-kill-title-${host}`}
        aria-busy={flow.phase === 'running'}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={`remote-kill-title-${host}`} className="dialog-title">
          {title(host, flow, viewer)}
        </h2>
        {body}
      </div>
    </div>
  );
}
