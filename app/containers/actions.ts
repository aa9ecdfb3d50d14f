import { monotonicMs } from '../watch/clock.js';
import type { KillOutcome } from '../model/actions.js';
import type { ContainerActionReport, ContainerInfo } from '../model/container.js';
import { err, ok, type Result } from '../model/errors.js';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import type { SnapshotSource } from '../watch/types.js';
import type { ContainerCatalog } from './catalog.js';
import type { EngineClient, EngineFailure } from './engine-client.js';
import { parseInspect } from './inspect.js';

export type { ContainerActionReport } from '../model/container.js';

/** Everything the action needs; the Engine API and the scan are real, the clock injectable. */
export interface ContainerActionDeps {
  readonly catalog: ContainerCatalog;
  readonly source: SnapshotSource;
  /** Seconds Docker waits after SIGTERM before SIGKILL (the `t` of /stop; default 10). */
  readonly stopTimeoutS?: number;
  /** How long to watch for a restart policy or supervisor bringing it back, ms (default 1500). */
  readonly respawnWindowMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The error for an Engine API failure, with what the user can do. */
export function engineError<T>(f: EngineFailure, what: string): Result<T> {
  if (f.kind === 'denied') {
    return err(
      'EPERM',
      `Cannot ${what}: no access to the Docker socket ${f.socketPath}; nothing was stopped.`,
      {
        hint: 'Add your user to the docker group (then log in again), or run it yourself:',
        command: `docker ${what.split(' ')[0] ?? 'stop'} ${what.split(' ').slice(-1)[0] ?? ''}`.trim(),
      },
    );
  }
  if (f.kind === 'http' && f.status === 404)
    return err('NOT_IN_SNAPSHOT', `Cannot ${what}: no such container.`);
  const detail =
    f.kind === 'http' ? `${f.status} ${f.message}` : f.kind === 'no-socket' ? 'no engine socket' : f.detail;
  return err('INTERNAL', `Cannot ${what}: the container engine said ${detail}.`);
}

/** Finds a running container by name, full id or id prefix (≥ 4 hex digits). Pure. */
export function findContainer(containers: readonly ContainerInfo[], ref: string): ContainerInfo | null {
  const want = ref.replace(/^\//, '');
  const byName = containers.find((c) => c.name === want);
  if (byName) return byName;
  if (!/^[0-9a-f]{4,64}$/i.test(want)) return null;
  const hits = containers.filter((c) => c.id.startsWith(want.toLowerCase()));
  return hits.length === 1 ? (hits[0] ?? null) : null;
}

function portText(p: { protocol: string; hostIp: string; hostPort: number }): string {
  const ip = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${p.protocol} ${ip}:${p.hostPort}`;
}

/** Host listeners that hold one of the container's published ports. */
function holdersOf(s: Snapshot, c: ContainerInfo): Listener[] {
  return s.listeners.filter((l) =>
    c.published.some((p) => p.protocol === l.protocol && p.hostPort === l.port),
  );
}

/**
 * Stops (or restarts) a container through the Engine API (`POST /containers/{id}/stop?t=N`),
 * never by signalling its plumbing; then inspects it and re-scans the host to report the truth:
 * stopped and its ports free, or brought back by its restart policy or a supervisor.
 */
export async function runContainerAction(
  c: ContainerInfo,
  action: 'stop' | 'restart',
  deps: ContainerActionDeps,
): Promise<Result<ContainerActionReport>> {
  const client = deps.catalog.client;
  if (!client) return err('UNSUPPORTED', 'No container engine socket was found.');
  const now = deps.now ?? (() => monotonicMs());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const t = deps.stopTimeoutS ?? 10;
  const started = now();
  const before = await client.getJson<unknown>(`/containers/${c.id}/json`);
  const startedAt = before.ok
    ? (before.value as { State?: { StartedAt?: string } }).State?.StartedAt
    : undefined;
  // Watch /events from before the POST. Docker 20.10 (measured with the real daemon) never undoes a
  // user stop — POST /stop or /kill — by the restart policy, `always` included; it restarts only a
  // death it did not ask for (the main process killed from the host: `die`, then `start` ~0.1–2 s
  // later). So a `start` of this container after our stop means something outside Docker brought
  // it back (compose, systemd, a script running docker start), and a `start` of another container
  // that then holds the port replaced it. Either wakes the check at once instead of at the next poll.
  const starts: { id: string; name: string }[] = [];
  let wake: (() => void) | null = null;
  const closeEvents = client.watchEvents(
    (e) => {
      if ((e.Action ?? '') !== 'start' || !e.Actor?.ID) return;
      starts.push({ id: e.Actor.ID, name: e.Actor.Attributes?.['name'] ?? '' });
      wake?.();
    },
    () => undefined,
  );
  const pause = (ms: number): Promise<void> =>
    Promise.race([sleep(ms), new Promise<void>((r) => (wake = r))]).finally(() => {
      wake = null;
    });
  try {
    return await verify(c, action, deps, { client, now, pause, started, startedAt, starts, t });
  } finally {
    closeEvents();
  }
}

async function verify(
  c: ContainerInfo,
  action: 'stop' | 'restart',
  deps: ContainerActionDeps,
  x: {
    client: EngineClient;
    now: () => number;
    pause: (ms: number) => Promise<void>;
    started: number;
    startedAt: string | undefined;
    starts: readonly { id: string; name: string }[];
    t: number;
  },
): Promise<Result<ContainerActionReport>> {
  const { client, now } = x;
  const posted = await client.post(`/containers/${c.id}/${action}?t=${x.t}`, (x.t + 10) * 1000);
  deps.catalog.invalidate();
  const what = `${action} ${c.name}`;
  if (!posted.ok) return engineError(posted.failure, what);
  const ports = c.published.map(portText);
  const info = {
    id: c.shortId,
    name: c.name,
    image: c.image,
    composeProject: c.composeProject,
    restartPolicy: c.restartPolicy,
  };
  const who = `container ${c.name} (image ${c.image})`;
  const portList = ports.length === 0 ? 'it publishes no ports' : ports.join(', ');
  const are = ports.length > 1 ? 'are' : 'is';
  const report = (outcome: KillOutcome, message: string): Result<ContainerActionReport> =>
    ok({ action, outcome, container: info, ports, elapsedMs: Math.round(now() - x.started), message });

  const windowEnd = now() + (deps.respawnWindowMs ?? 1500);
  let delay = 100;
  for (;;) {
    const inspected = await client.getJson<unknown>(`/containers/${c.id}/json`);
    const state = inspected.ok
      ? (inspected.value as { State?: { Running?: boolean; StartedAt?: string } }).State
      : undefined;
    const running = state?.Running === true;
    const snap = await deps.source.refresh();
    const held = holdersOf(snap, c);
    const other = held
      .map((l) => (l.owner.kind === 'process' ? l.owner.container?.info : undefined))
      .find((i): i is ContainerInfo => i !== undefined && i.id !== c.id);
    if (action === 'restart') {
      if (running && (held.length > 0 || ports.length === 0 || now() >= windowEnd)) {
        const fresh = inspected.ok ? parseInspect(inspected.value) : null;
        const natOnly =
          held.length === 0 && ports.length > 0 ? " (no host process holds them: Docker's NAT forwards)" : '';
        return report(
          'restarted',
          `${who} restarted; ${ports.length ? `${portList} ${are} served again${natOnly}` : portList}.${fresh?.restartPolicy && fresh.restartPolicy !== 'no' ? ` Restart policy: ${fresh.restartPolicy}.` : ''}`,
        );
      }
    } else if (running && (state?.StartedAt !== x.startedAt || x.starts.some((s) => s.id === c.id))) {
      const by = c.composeProject
        ? `compose project ${c.composeProject} or a supervisor (not Docker's restart policy: Docker does not restart a container it was asked to stop)`
        : "a supervisor or script running docker start (not Docker's restart policy: Docker does not restart a container it was asked to stop)";
      return report(
        'restarted',
        `${who} stopped, but was started again by ${by}; ${portList} ${are} held again.`,
      );
    } else if (!running && other) {
      const same =
        other.composeProject !== null && other.composeProject === c.composeProject
          ? ` (compose project ${other.composeProject})`
          : '';
      return report(
        'replaced',
        `${who} stopped, but container ${other.name} (image ${other.image})${same} was started and now holds ${portList}.`,
      );
    } else if (!running && held.length > 0 && now() >= windowEnd) {
      const h = held[0]?.owner;
      const name = h?.kind === 'process' ? `${h.name} (pid ${h.pid})` : 'a process Harbormaster cannot see';
      return report('still-held', `${who} stopped, but ${portList} is still held by ${name}.`);
    } else if (!running && held.length === 0 && now() >= windowEnd) {
      const policy =
        c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped'
          ? ` Its restart policy (${c.restartPolicy}) will not start it again until the Docker daemon restarts${c.restartPolicy === 'unless-stopped' ? ' — and not even then' : ''}.`
          : '';
      return report(
        'freed',
        `${who} stopped; ${ports.length ? `${portList} ${are} free` : portList}.${policy}`,
      );
    }
    if (now() >= windowEnd + 5000) {
      return report(
        'still-running',
        `${who} did not ${action} in time; ${portList}: check again in a moment.`,
      );
    }
    await x.pause(delay);
    delay = Math.min(delay * 2, 500);
  }
}
