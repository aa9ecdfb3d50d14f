import type { ContainerInfo } from '../../app/model/container.js';
import type { Listener } from '../../app/model/listener.js';
import { listenersHeldBy } from '../../app/model/actions.js';
import {
  addressLabel,
  describeExposure,
  describeHealth,
  describeOwner,
  protoLabel,
} from '../format/describe.js';
import { safePageUrl } from '../api/browser-page.js';
import { containerOf } from '../format/container.js';
import { cleanText } from '../format/text.js';
import { formatDateTime, formatUptime } from '../format/time.js';
import { useActions, useApp } from '../store/store-context.js';
import { Badge } from './Badge.js';
import { ListenerWhy, PortHistoryView } from './PortHistoryView.js';
import { PinControl } from './PinControl.js';

const NO_HISTORY: readonly never[] = [];

/**
 * Watch every listener of a project (settings.watchedProjects): notified when none of them
 * listens any more, and when one is back. One fixed label with a pressed state.
 */
function WatchProject({ project }: { readonly project: string }) {
  const actions = useActions();
  const watched = useApp((s) => s.settings.watchedProjects.includes(project));
  const name = cleanText(project);
  return (
    <button
      type="button"
      className="btn watch-project"
      aria-pressed={watched}
      aria-label={`Watch project ${name}`}
      title="Notify when none of this project's listeners is left, and when one is back"
      onClick={() => actions.toggleWatchProject(project)}
    >
      Watch project
    </button>
  );
}

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
  const viewer = useApp((s) => s.viewer);
  const history = useApp((s) => s.healthHistory.get(listener.id) ?? NO_HISTORY);
  const all = useApp((s) => s.listeners);
  const o = listener.owner;
  const owner = describeOwner(o, viewer);
  const siblings = o.kind === 'process' ? listenersHeldBy(all, o) : [listener];
  const health = describeHealth(listener.health);
  const exposure = describeExposure(listener.exposure);
  const gone = useApp((s) => !s.byId.has(listener.id));
  const url = gone ? null : safePageUrl(listener.url);
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
        {url !== null ? (
          <>
            <dt>URL</dt>
            <dd>
              {/* A real link (middle-click, "Copy link address"); a plain click goes through open. */}
              <a
                className="link"
                href={url}
                target="_blank"
                rel="noopener noreferrer"
                onClick={(e) => {
                  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  actions.open(listener.id);
                }}
              >
                {url}
              </a>
            </dd>
          </>
        ) : null}
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
                  {cleanText(o.project.name)} <span className="muted">({o.project.kind})</span>{' '}
                  <WatchProject project={o.project.name} />
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
      {o.kind === 'process' && o.container?.info ? (
        <ContainerDetails info={o.container.info} listenerId={listener.id} />
      ) : null}
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
      <div className="details-why">
        <ListenerWhy listener={listener} />
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
      <PortHistoryView port={listener.port} />
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

/**
 * The container behind a docker-proxy/dockerd-held port (issue 10): Stop container (the kill
 * dialog, which the core turns into an Engine API stop) and Restart container, then every socket
 * listening inside it — published or not, and the published-but-loopback-only trap.
 */
function ContainerDetails({ info, listenerId }: { info: ContainerInfo; listenerId: string }) {
  const actions = useActions();
  const name = cleanText(info.name);
  return (
    <section className="container-details" aria-label={`Container ${name}`}>
      <div className="details-actions">
        <button type="button" className="btn danger" onClick={() => actions.requestKill(listenerId)}>
          Stop container {name}…
        </button>
        <button type="button" className="btn" onClick={() => actions.restartContainer(listenerId)}>
          Restart container
        </button>
      </div>
      <h3 className="details-sub">Listening inside {name}</h3>
      {info.inside === null ? (
        <p className="muted">Not read (needs root, or the container runs on another machine).</p>
      ) : info.inside.length === 0 ? (
        <p className="muted">Nothing listens inside the container.</p>
      ) : (
        <ul className="sockets" aria-label={`Listening inside ${name}`}>
          {info.inside.map((s) => (
            <li key={`${s.protocol}|${s.address}|${s.port}`}>
              {s.protocol.toUpperCase()} {addressLabel(s.address)}:{s.port}{' '}
              <Badge
                view={
                  s.loopbackOnly
                    ? { label: 'unreachable from the host', tone: 'bad', tooltip: cleanText(s.note ?? '') }
                    : s.published
                      ? { label: 'published', tone: 'ok', tooltip: 'Docker forwards a host port here.' }
                      : { label: 'not published', tone: 'muted', tooltip: 'Only reachable inside Docker.' }
                }
              />
              {s.note ? <div className="explain">{cleanText(s.note)}</div> : null}
            </li>
          ))}
        </ul>
      )}
      {info.published.some((p) => p.listenerIds.length === 0) ? (
        <ul className="sockets" aria-label="Forwarded without a host process">
          {info.published
            .filter((p) => p.listenerIds.length === 0)
            .map((p) => (
              <li key={`${p.protocol}|${p.hostIp}|${p.hostPort}`}>
                {p.protocol.toUpperCase()} {addressLabel(p.hostIp)}:{p.hostPort} → {p.containerPort}{' '}
                <span className="muted">{cleanText(p.note ?? '')}</span>
              </li>
            ))}
        </ul>
      ) : null}
    </section>
  );
}
