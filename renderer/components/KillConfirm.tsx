import { listenersHeldBy } from '../../app/model/actions.js';
import type { Listener, Owner } from '../../app/model/listener.js';
import { addressLabel, describeOwner, protoLabel, type OwnerView } from '../format/describe.js';
import { containerOf } from '../format/container.js';
import { cleanText } from '../format/text.js';
import { formatUptime } from '../format/time.js';
import { useActions, useApp } from '../store/store-context.js';

/**
 * The confirm step of the kill dialog (issue 16 item 10): what tells two "node"s apart (command
 * line, working directory, user, pid, uptime), every port the kill frees, and focus on Cancel, so
 * Ctrl+K then Enter, or a stray Enter, never kills. After a SIGTERM this window saw fail for this
 * same incarnation, Force (SIGKILL at once) is offered next to a graceful retry.
 */
/**
 * The rows both kill dialogs (local and remote) show after the command line: user, pid, uptime
 * and every port the kill frees — what tells two "node"s apart.
 */
export function KillFacts({
  owner,
  o,
  now,
  freed,
}: {
  readonly owner: OwnerView;
  readonly o: Owner;
  readonly now: number;
  readonly freed: readonly Listener[];
}) {
  return (
    <>
      <dt>User</dt>
      <dd>{owner.user ?? 'unknown'}</dd>
      <dt>PID</dt>
      <dd>{owner.pid ?? 'unknown'}</dd>
      <dt>Uptime</dt>
      <dd>{o.kind === 'process' ? formatUptime(o.startedAt, now) || 'unknown' : 'unknown'}</dd>
      <dt>{freed.length > 1 ? `Frees ${freed.length} ports` : 'Frees'}</dt>
      <dd>
        <ul className="held-list" aria-label="Ports this frees">
          {freed.map((h) => (
            <li key={h.id}>
              {protoLabel(h)} {addressLabel(h.address)}:{h.port}
            </li>
          ))}
        </ul>
      </dd>
    </>
  );
}

export function KillConfirm({
  listener: l,
  termFailedAt,
}: {
  readonly listener: Listener;
  readonly termFailedAt: number | null;
}) {
  const now = useApp((s) => s.now);
  const listeners = useApp((s) => s.listeners);
  const viewer = useApp((s) => s.viewer);
  const actions = useActions();
  const o = l.owner;
  const owner = describeOwner(o, viewer);
  const ctr = containerOf(o);
  const verb = ctr ? `Stop container ${ctr.name}` : `Kill ${owner.name}`;
  // Every listener this process holds is freed with it (nginx on 80, 8081, 8443): this one first.
  const held = o.kind === 'process' ? listenersHeldBy(listeners, o) : [];
  const freed = [l, ...held.filter((x) => x.id !== l.id)];
  const command = o.kind === 'process' ? cleanText(o.command) || cleanText(o.exe ?? '') : '';
  const cwd = o.kind === 'process' && o.cwd !== null ? cleanText(o.cwd) : '';
  return (
    <>
      {termFailedAt !== null ? (
        <p className="dialog-lead tone-warn" role="note">
          SIGTERM already failed for this process (pid {owner.pid}, same start time) at{' '}
          {new Date(termFailedAt).toLocaleTimeString()}. Force sends SIGKILL at once, after checking that it
          is still the same process and still holds the port.
        </p>
      ) : (
        <p className="dialog-lead">
          Harbormaster sends a graceful stop signal (SIGTERM), waits, then checks that the port is really
          free.
        </p>
      )}
      <dl className="facts kill-facts">
        <dt>Process</dt>
        <dd>{owner.name}</dd>
        <dt>Command</dt>
        <dd>
          <code className="command" tabIndex={0}>
            {command || 'unknown'}
          </code>
        </dd>
        <dt>Working dir</dt>
        <dd className="mono">{cwd || 'unknown'}</dd>
        <KillFacts owner={owner} o={o} now={now} freed={freed} />
        {ctr ? (
          <>
            <dt>Container</dt>
            <dd>
              {ctr.name} <span className="badge">{ctr.image}</span> <span className="muted">{ctr.facts}</span>
              <div className="explain">
                Harbormaster stops the container through Docker; it never signals {owner.name}.
              </div>
            </dd>
          </>
        ) : null}
      </dl>
      <div className="dialog-buttons">
        <button type="button" className="btn" data-autofocus onClick={actions.closeKill}>
          Cancel
        </button>
        <button
          type="button"
          className={termFailedAt !== null ? 'btn' : 'btn danger'}
          onClick={() => actions.confirmKill('graceful')}
        >
          {termFailedAt !== null ? `${verb} (SIGTERM again)` : verb}
        </button>
        {termFailedAt !== null ? (
          <button type="button" className="btn danger" onClick={() => actions.confirmKill('force')}>
            Force kill (SIGKILL)
          </button>
        ) : null}
      </div>
    </>
  );
}
