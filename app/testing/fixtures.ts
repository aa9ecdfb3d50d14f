// The one set of test fixtures (issue 12): every suite, the e2e specs and the benchmarks build
// listeners and snapshots here, with one id format (the snapshotter's). Isomorphic on purpose
// (model imports only, no Node): the renderer's tests use it too.
import { exposureOf, familyOf, portRange } from '../model/classify.js';
import type { KillReport } from '../model/actions.js';
import type { Health } from '../model/health.js';
import type { Listener, ProcessOwner, UnknownOwner } from '../model/listener.js';
import { knownService } from '../model/services.js';
import { DEFAULT_SETTINGS, type Settings } from '../model/settings.js';
import type { Snapshot } from '../model/snapshot.js';

// One start time for every default owner of a run (an hour ago), so two builds of one owner are equal.
const STARTED_AT = Date.now() - 3_725_000;

/** A process owner: a developer's node server in a project; override what the test looks at. */
export function processOwner(over: Partial<ProcessOwner> = {}): ProcessOwner {
  const pid = over.pid ?? 4242;
  return {
    kind: 'process',
    pid,
    startToken: `st-${pid}`,
    startedAt: STARTED_AT,
    name: 'node',
    command: 'node /home/alice/dev/shop/node_modules/.bin/vite --port 5173',
    exe: '/usr/bin/node',
    user: 'alice',
    uid: 1000,
    cwd: '/home/alice/dev/shop',
    project: { name: 'shop', root: '/home/alice/dev/shop', kind: 'node' },
    container: null,
    ppid: 4000,
    ...over,
  };
}

/** An owner the scan could not see (by default: another user's process, needs admin). */
export function unknownOwner(over: Partial<UnknownOwner> = {}): UnknownOwner {
  return {
    kind: 'unknown',
    reason: 'permission',
    message: 'Owned by another user; run as admin to see who.',
    pid: null,
    uid: null,
    user: null,
    ...over,
  };
}

/**
 * A listener as a snapshot holds it. Family follows the address (and the address the family,
 * loopback by default); the id, exposure, port range, known service and URL follow from protocol,
 * address and port the way the snapshotter derives them, unless overridden. `family: null`
 * (unknown) is kept as given.
 */
export function listener(over: Partial<Listener> = {}): Listener {
  const family =
    over.family !== undefined ? over.family : over.address !== undefined ? familyOf(over.address) : 4;
  const address = over.address ?? (family === 6 ? '::1' : '127.0.0.1');
  const port = over.port ?? 3000;
  const protocol = over.protocol ?? 'tcp';
  const owner = over.owner ?? processOwner();
  const socketId = over.socketId ?? null;
  const health: Health = over.health ?? { state: 'unknown' };
  const host = family === 6 ? `[${address}]` : address;
  return {
    ...over,
    // The snapshotter's format (app/watch/snapshotter.ts listenerId).
    id:
      over.id ??
      `${protocol}${family ?? '?'}|${address}|${port}|${socketId ?? (owner.pid === null ? '-' : `pid${owner.pid}`)}`,
    protocol,
    family,
    address,
    port,
    exposure: over.exposure ?? exposureOf(address),
    portRange: over.portRange ?? portRange(port),
    service: over.service === undefined ? knownService(port) : over.service,
    socketId,
    owner,
    health,
    url: over.url === undefined ? (protocol === 'tcp' ? `http://${host}:${port}/` : null) : over.url,
  };
}

/**
 * A successful snapshot: `snapshot([l1, l2], { seq: 2 })`, or `snapshot({ listeners, takenAt })`.
 */
export function snapshot(
  listenersOrOver: readonly Listener[] | Partial<Snapshot> = [],
  over: Partial<Snapshot> = {},
): Snapshot {
  const base = Array.isArray(listenersOrOver)
    ? { listeners: listenersOrOver as readonly Listener[], ...over }
    : (listenersOrOver as Partial<Snapshot>);
  return {
    seq: 1,
    takenAt: Date.now(),
    durationMs: 12,
    source: 'procfs',
    status: 'ok',
    stale: false,
    notes: [],
    error: null,
    listeners: [],
    ...base,
  };
}

/** Settings for tests: the defaults plus overrides. */
/** A kill report: SIGTERM freed :5173 of pid 4242 in 400 ms, unless `over` says otherwise. */
export function killReport(over: Partial<KillReport> = {}): KillReport {
  return {
    outcome: 'freed',
    pid: 4242,
    port: 5173,
    protocol: 'tcp',
    signals: ['SIGTERM'],
    elapsedMs: 400,
    heldBy: null,
    restartedBy: null,
    listeners: [],
    command: null,
    message: '',
    ...over,
  };
}

export function settingsWith(over: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, ...over };
}

/** An HTTP `up` health value. */
export function httpUp(over: Partial<Extract<Health, { state: 'up' }>> = {}): Health {
  return {
    state: 'up',
    kind: 'http',
    checkedAt: Date.now(),
    latencyMs: 12,
    status: 200,
    title: 'Vite App',
    ...over,
  };
}

const NAMES = [
  'node',
  'python3',
  'ruby',
  'java',
  'go-server',
  'nginx',
  'deno',
  'bun',
  'postgres',
  'redis-server',
];
const PROJECTS = ['shop', 'admin', 'api', 'docs', 'billing', 'search', 'auth', 'blog'];

/**
 * `n` deterministic synthetic listeners (distinct ids, a mix of owners, health states and
 * exposures) for the scale bench and store tests.
 */
export function syntheticListeners(n: number, now: number = Date.now()): Listener[] {
  const out: Listener[] = [];
  for (let i = 0; i < n; i++) {
    const port = 1024 + ((i * 7919) % 60000);
    const family = i % 3 === 0 ? 6 : 4;
    const address =
      family === 6
        ? i % 2
          ? '::1'
          : '::'
        : i % 4 === 0
          ? '0.0.0.0'
          : i % 7 === 0
            ? '192.168.1.23'
            : '127.0.0.1';
    const pid = 10_000 + Math.floor(i / 2);
    const name = NAMES[i % NAMES.length] ?? 'node';
    const project = i % 5 === 4 ? null : (PROJECTS[Math.floor(i / 2) % PROJECTS.length] ?? 'app');
    const owner: ProcessOwner = {
      kind: 'process',
      pid,
      startToken: `t${pid}`,
      startedAt: now - ((i * 37_000) % 86_400_000),
      name,
      command: `/usr/bin/${name} --serve --port ${port} --worker ${i}`,
      exe: `/usr/bin/${name}`,
      user: 'dev',
      uid: 1000,
      cwd: project ? `/home/dev/src/${project}-${Math.floor(i / 16)}` : '/home/dev',
      project: project
        ? {
            name: `${project}-${Math.floor(i / 16)}`,
            root: `/home/dev/src/${project}-${Math.floor(i / 16)}`,
            kind: 'node',
          }
        : null,
      container: null,
      ppid: 1000,
    };
    const health: Health =
      i % 6 === 0
        ? {
            state: 'up',
            kind: 'http',
            status: 200,
            title: `Service ${i}`,
            latencyMs: 3 + (i % 40),
            checkedAt: now,
          }
        : i % 6 === 1
          ? { state: 'up', kind: 'tcp', latencyMs: 1 + (i % 9), checkedAt: now }
          : i % 6 === 2
            ? { state: 'refused', latencyMs: 1, checkedAt: now }
            : { state: 'unknown' };
    out.push(
      listener({
        id: `tcp${family}|${address}|${port}|${i}`,
        port,
        address,
        family,
        owner,
        health,
        url: i % 6 === 0 ? `http://127.0.0.1:${port}/` : null,
      }),
    );
  }
  return out;
}

/** A process owner by what the probe policy looks at: its name and command line. */
export function ownerNamed(name: string, command = name, pid = 4242): ProcessOwner {
  return processOwner({ name, command, pid });
}

/** A listener for a real socket a test opened, as the scanner would report it. */
export function listenerAt(
  address: string,
  port: number,
  owner: ProcessOwner | UnknownOwner = ownerNamed('node', 'node server.js'),
  protocol: 'tcp' | 'udp' = 'tcp',
): Listener {
  return listener({ protocol, address, port, owner });
}

/**
 * A plain user's process outside any project, with no start time: the tray's cases, where the
 * project and uptime would otherwise show up in every label.
 */
export function plainOwner(over: Partial<ProcessOwner> = {}): ProcessOwner {
  return processOwner({
    user: 'dev',
    cwd: '/home/dev/shop',
    project: null,
    // The command is the process name alone, so a case's label shows the name it gave (the
    // tray names a process by its script when the command has one: app/model/display-name.ts).
    command: over.name ?? 'node',
    startedAt: null,
    ...over,
  });
}

/** A listener of a {@link plainOwner}, with no URL or service unless a case gives one. */
export function plainListener(over: Partial<Listener> & { readonly port: number }): Listener {
  return listener({ url: null, service: null, owner: plainOwner(), ...over });
}
