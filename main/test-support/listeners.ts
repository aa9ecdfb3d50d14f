import type { Listener, ProcessOwner } from '../../app/model/listener.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { DEFAULT_SETTINGS, type Settings } from '../../app/model/settings.js';

/** A process owner for tests; override what the test is about. */
export function processOwner(over: Partial<ProcessOwner> = {}): ProcessOwner {
  return {
    kind: 'process',
    pid: 4242,
    startToken: '123456',
    startedAt: null,
    name: 'node',
    command: 'node server.js',
    exe: '/usr/bin/node',
    user: 'dev',
    uid: 1000,
    cwd: '/home/dev/shop',
    project: null,
    container: null,
    ppid: 1,
    ...over,
  };
}

/** A TCP listener on 127.0.0.1 for tests. */
export function listener(port: number, over: Partial<Listener> = {}): Listener {
  return {
    id: `tcp4:127.0.0.1:${port}`,
    protocol: 'tcp',
    family: 4,
    address: '127.0.0.1',
    port,
    exposure: 'loopback',
    portRange: port < 1024 ? 'well-known' : port < 49152 ? 'registered' : 'dynamic',
    service: null,
    socketId: null,
    owner: processOwner(),
    health: { state: 'unknown' },
    url: null,
    ...over,
  };
}

/** A snapshot holding the given listeners. */
export function snapshot(listeners: readonly Listener[], over: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 1,
    takenAt: 1_700_000_000_000,
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

/** Settings for tests: defaults plus overrides. */
export function settingsWith(over: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, ...over };
}
