// Isomorphic on purpose (model imports only, no Node): the renderer's tests may use it too.
import { exposureOf, familyOf, portRange } from '../model/classify.js';
import { UNKNOWN_HEALTH } from '../model/health.js';
import type { Listener, ProcessOwner, UnknownOwner } from '../model/listener.js';
import { knownService } from '../model/services.js';
import type { Snapshot } from '../model/snapshot.js';

/** A process owner for tests: a plain user process; override what the test looks at. */
export function makeProcessOwner(overrides: Partial<ProcessOwner> = {}): ProcessOwner {
  const name = overrides.name ?? 'node';
  return {
    kind: 'process',
    pid: 4242,
    startToken: '1000',
    startedAt: null,
    name,
    command: name,
    exe: null,
    user: 'tester',
    uid: 1000,
    cwd: null,
    project: null,
    container: null,
    ppid: 1,
    ...overrides,
  };
}

/** An owner the scan could not see (by default: another user's process, needs admin). */
export function makeUnknownOwner(overrides: Partial<UnknownOwner> = {}): UnknownOwner {
  return {
    kind: 'unknown',
    reason: 'permission',
    message: 'fixture',
    pid: null,
    uid: null,
    user: null,
    ...overrides,
  };
}

/**
 * A listener as a snapshot would hold it. Family follows the address (and the address the family,
 * loopback by default); exposure, port range and known service are derived from address and port
 * like the snapshotter does, unless overridden.
 */
export function makeListener(overrides: Partial<Listener> = {}): Listener {
  // `family: null` (unknown) is kept as given, not replaced by a guess.
  const family =
    overrides.family !== undefined
      ? overrides.family
      : overrides.address !== undefined
        ? familyOf(overrides.address)
        : 4;
  const address = overrides.address ?? (family === 6 ? '::1' : '127.0.0.1');
  const port = overrides.port ?? 3000;
  const protocol = overrides.protocol ?? 'tcp';
  return {
    id: `${protocol}${family}|${address}|${port}|fixture`,
    protocol,
    family,
    address,
    port,
    exposure: exposureOf(address),
    portRange: portRange(port),
    service: knownService(port),
    socketId: null,
    owner: makeProcessOwner({ command: 'node server.js' }),
    health: UNKNOWN_HEALTH,
    url: null,
    ...overrides,
  };
}

/** A successful snapshot of `listeners` (none by default). */
export function makeSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 1,
    takenAt: 0,
    durationMs: 0,
    source: 'procfs',
    status: 'ok',
    stale: false,
    notes: [],
    error: null,
    listeners: [],
    ...overrides,
  };
}
