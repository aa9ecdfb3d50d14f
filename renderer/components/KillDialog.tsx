import type { KeyboardEvent } from 'react';
import type { ListenerFate } from '../../app/model/actions.js';
import { addressLabel, describeOwner, protoLabel } from '../format/describe.js';
import { describeError, describeKillReport, type KillResultView } from '../format/describe-kill.js';
import { containerOf } from '../format/container.js';
import { cleanText } from '../format/text.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { viewerIsRoot } from '../../app/model/unknown-owner-words.js';
import type { KillFlow } from '../store/app-store.js';
import { useActions, useApp } from '../store/store-context.js';
import { KillConfirm } from './KillConfirm.js';
import { modalKeyDown, useModalFocus } from './use-modal-dialog.js';

/**
 * The dialog's title for each state (issue 16 item 3: it used to stay "…: result"), worded for
 * the viewer: root is never told it needs admin.
 */
export function killTitle(flow: KillFlow, viewer: Viewer | null): string {
  const l = flow.listener;
  const name = describeOwner(l.owner, viewer).name;
  const refused = viewerIsRoot(viewer) ? `Cannot stop ${name} from here` : `Needs admin to stop ${name}`;
  const ctr = containerOf(l.owner);
  const verb = ctr ? `Stop container ${ctr.name}` : `Kill ${name}`;
  switch (flow.phase) {
    case 'confirm':
      return `${verb} on port ${l.port}?`;
    case 'elevate':
      return refused;
    case 'running':
      if (ctr) return `Stopping container ${ctr.name}…`;
      return flow.mode === 'force' ? `Force-killing ${name}…` : `Stopping ${name}…`;
    case 'result': {
      const r = flow.report;
      if (!r) return `${verb}: not done`;
      switch (r.outcome) {
        case 'freed':
          return `Port ${r.port} freed`;
        case 'already-gone':
          return `${name} had already exited`;
        case 'still-running':
          return `${name} is still running`;
        case 'restarted':
          return `${name} was restarted`;
        case 'replaced':
          return `Port ${r.port} taken by another process`;
        case 'still-held':
          return `Port ${r.port} is still held`;
        case 'permission-denied':
          return refused;
        case 'cancelled':
          return `Kill of ${name} cancelled`;
      }
    }
  }
}

/**
 * Confirms a kill with everything needed to recognise the process (docs/SECURITY.md#kill-pipeline,
 * step 4), then shows the verified outcome: freed, still running (offer force), restarted, still
 * held, needs admin (with a command to copy), or why it was refused. While it runs, Cancel and Esc
 * stop waiting; an owner Harbormaster may not signal gets the admin command instead.
 */
export function KillDialog() {
  const flow = useApp((s) => s.kill);
  const viewer = useApp((s) => s.viewer);
  const actions = useActions();
  const phase = flow?.phase ?? null;
  const dialog = useModalFocus(phase);

  if (flow === null) return null;
  const l = flow.listener;
  const name = describeOwner(l.owner, viewer).name;
  const root = viewerIsRoot(viewer);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void =>
    modalKeyDown(e, dialog.current, actions.closeKill);

  let body;
  if (flow.phase === 'confirm') {
    body = <KillConfirm listener={l} termFailedAt={flow.termFailedAt} />;
  } else if (flow.phase === 'elevate') {
    body = (
      <>
        <p className="dialog-lead">{flow.reason}</p>
        <CommandBox command={flow.command} />
        <div className="dialog-buttons">
          <button type="button" className="btn" data-autofocus onClick={actions.closeKill}>
            Close
          </button>
        </div>
      </>
    );
  } else if (flow.phase === 'running') {
    body = (
      <>
        <p className="dialog-lead" role="status">
          {flow.mode === 'force' ? 'Force-killing' : 'Stopping'} {name} and checking port {l.port}…
        </p>
        <p className="muted">
          Cancel stops the wait: nothing more is sent. A signal already sent is not taken back.
        </p>
        <div className="dialog-buttons">
          <button type="button" className="btn" data-autofocus onClick={actions.closeKill}>
            Cancel
          </button>
        </div>
      </>
    );
  } else {
    const result: KillResultView | null = flow.report
      ? describeKillReport(flow.report, name, root)
      : flow.error
        ? describeError(flow.error, root)
        : null;
    body = result ? (
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
        {result.command ? <CommandBox command={result.command} /> : null}
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
    ) : null;
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && actions.closeKill()}>
      <div
        ref={dialog}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="kill-title"
        aria-busy={flow.phase === 'running'}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id="kill-title" className="dialog-title">
          {killTitle(flow, viewer)}
        </h2>
        {body}
      </div>
    </div>
  );
}

/** A copyable command (the elevated kill), with its Copy button. */
export function CommandBox({ command }: { readonly command: string }) {
  const actions = useActions();
  const text = cleanText(command);
  return (
    <div className="command-box">
      <code className="command" tabIndex={0}>
        {text}
      </code>
      <button type="button" className="btn" onClick={() => actions.copyText(text, 'the command')}>
        Copy command
      </button>
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
