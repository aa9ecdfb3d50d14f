import { exposureOf, familyOf, portRange } from '../../app/model/classify.js';
import type { Health } from '../../app/model/health.js';
import type { Listener, ProcessOwner, UnknownOwner } from '../../app/model/listener.js';
import { knownService } from '../../app/model/services.js';
import type { Snapshot } from '../../app/model/snapshot.js';

/** A process owner with sensible defaults. */
export function processOwner(over: Partial<ProcessOwner> = {}): ProcessOwner {
  const pid = over.pid ?? 4242;
  return {
    kind: 'process',
    pid,
    startToken: `st-${pid}`,
    startedAt: Date.now() - 3_725_000,
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

/** An owner we may not see. */
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

/** A listener; id, exposure, range and service follow from protocol/address/port. */
export function listener(over: Partial<Listener> & { port: number }): Listener {
  const address = over.address ?? '127.0.0.1';
  const protocol = over.protocol ?? 'tcp';
  const family = over.family ?? familyOf(address);
  const health: Health = over.health ?? { state: 'unknown' };
  return {
    id: over.id ?? `${protocol}${family}|${address}|${over.port}`,
    protocol,
    family,
    address,
    port: over.port,
    exposure: over.exposure ?? exposureOf(address),
    portRange: over.portRange ?? portRange(over.port),
    service: over.service === undefined ? knownService(over.port) : over.service,
    socketId: over.socketId ?? null,
    owner: over.owner ?? processOwner(),
    health,
    url:
      over.url === undefined ? `http://${family === 6 ? `[${address}]` : address}:${over.port}/` : over.url,
  };
}

/** A snapshot around listeners. */
export function snapshot(listeners: readonly Listener[], over: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 1,
    takenAt: Date.now(),
    durationMs: 12,
    source: 'procfs',
    status: 'ok',
    stale: false,
    notes: [],
    error: null,
    listeners,
    ...over,
  };
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
