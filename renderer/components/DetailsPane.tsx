import type { Listener } from '../../app/model/listener.js';
import { listenersHeldBy } from '../../app/model/actions.js';
import {
  addressLabel,
  describeExposure,
  describeHealth,
  describeOwner,
  protoLabel,
} from '../format/describe.js';
import { containerOf } from '../format/container.js';
import { cleanText } from '../format/text.js';
import { formatDateTime, formatUptime } from '../format/time.js';
import { useActions, useApp } from '../store/store-context.js';
import { Badge } from './Badge.js';
import { PinControl } from './PinControl.js';

const NO_HISTORY: readonly never[] = [];

/** Everything about the selected listener: command line, cwd, user, start, sockets, health history. */
export function DetailsPane({
  listener,
  onClose,
}: {
  readonly listener: Listener;
  readonly onClose?: () => void;
}) {
  const actions = useActions();
  const now = useApp((s) => s.now);
  const history = useApp((s) => s.healthHistory.get(listener.id) ?? NO_HISTORY);
  const all = useApp((s) => s.listeners);
  const o = listener.owner;
  const owner = describeOwner(o);
  const siblings = o.kind === 'process' ? listenersHeldBy(all, o) : [listener];
  const health = describeHealth(listener.health);
  const exposure = describeExposure(listener.exposure);
  return (
    <section className="details" aria-label={`Details for port ${listener.port}`}>
      <header className="details-head">
        <h2 className="details-title">
          <span className="port">:{listener.port}</span> <span title={owner.tooltip}>{owner.name}</span>
        </h2>
        {onClose ? (
          <button type="button" className="btn icon" aria-label="Close details" onClick={onClose}>
            ✕
          </button>
        ) : null}
      </header>
      <dl className="facts">
        <dt>Address</dt>
        <dd>
          {protoLabel(listener)} {addressLabel(listener.address)}:{listener.port} <Badge view={exposure} />
          <div className="explain">{exposure.tooltip}</div>
        </dd>
        <dt>Health</dt>
        <dd>
          <Badge view={health} />
          <div className="explain">{health.tooltip}</div>
        </dd>
        {o.kind === 'process' ? (
          <>
            <dt>Command</dt>
            <dd>
              <code className="command" tabIndex={0}>
                {cleanText(o.command) || cleanText(o.name)}
              </code>
            </dd>
            <dt>Executable</dt>
            <dd className="mono">{o.exe !== null ? cleanText(o.exe) : 'unknown'}</dd>
            <dt>Working dir</dt>
            <dd className="mono">{o.cwd !== null ? cleanText(o.cwd) : 'unknown'}</dd>
            {o.project ? (
              <>
                <dt>Project</dt>
                <dd>
                  {cleanText(o.project.name)} <span className="muted">({o.project.kind})</span>
                </dd>
              </>
            ) : null}
            {o.container ? (
              <>
                <dt>Container</dt>
                <dd>
                  {o.container.kind} {o.container.name !== null ? cleanText(o.container.name) : 'unresolved'}
                  {o.container.image ? <span className="badge">{cleanText(o.container.image)}</span> : null}
                  {containerOf(o) ? <span className="muted"> · {containerOf(o)?.facts}</span> : null}
                  {o.container.note ? <div className="explain">{cleanText(o.container.note)}</div> : null}
                </dd>
              </>
            ) : null}
            <dt>User</dt>
            <dd>
              {o.user !== null ? cleanText(o.user) : 'unknown'}
              {o.uid !== null ? <span className="muted"> (uid {o.uid})</span> : null}
            </dd>
            <dt>PID</dt>
            <dd>
              {o.pid}
              {o.ppid !== null ? <span className="muted"> · parent {o.ppid}</span> : null}
            </dd>
            <dt>Started</dt>
            <dd>
              {formatDateTime(o.startedAt)}
              {o.startedAt !== null ? (
                <span className="muted"> · up {formatUptime(o.startedAt, now)}</span>
              ) : null}
            </dd>
          </>
        ) : (
          <>
            <dt>Owner</dt>
            <dd>
              {owner.name}
              <div className="explain">{owner.tooltip}</div>
            </dd>
          </>
        )}
      </dl>
      <PinControl port={listener.port} />
      <div className="details-actions">
        <button
          type="button"
          className="btn"
          disabled={listener.url === null}
          onClick={() => actions.copy(listener.id, 'curl')}
        >
          Copy curl
        </button>
        <button
          type="button"
          className="btn"
          disabled={owner.pid === null}
          onClick={() => actions.copy(listener.id, 'pid')}
        >
          Copy PID
        </button>
        {o.kind === 'process' ? (
          <button
            type="button"
            className="btn"
            onClick={() => actions.copyText(cleanText(o.command), 'the command line')}
          >
            Copy command
          </button>
        ) : null}
      </div>
      <h3 className="details-sub">Sockets of this process</h3>
      <ul className="sockets" aria-label="Sockets of this process">
        {siblings.map((l) => (
          <li key={l.id}>
            <button type="button" className="link" onClick={() => actions.select(l.id)}>
              {protoLabel(l)} {addressLabel(l.address)}:{l.port}
            </button>{' '}
            <Badge view={describeExposure(l.exposure)} />
          </li>
        ))}
      </ul>
      <h3 className="details-sub">Health history</h3>
      {history.length === 0 ? (
        <p className="muted">No probe results yet.</p>
      ) : (
        <ol className="history" aria-label="Health history">
          {[...history].reverse().map((h, i) => {
            const v = describeHealth(h);
            return (
              <li key={`${'checkedAt' in h ? h.checkedAt : i}-${i}`}>
                <span className="muted">
                  {'checkedAt' in h ? new Date(h.checkedAt).toLocaleTimeString() : ''}
                </span>{' '}
                <Badge view={v} />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
