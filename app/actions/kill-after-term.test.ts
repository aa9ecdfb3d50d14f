import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../contract/schemas.js';
import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { killListenerOwner, type KillDeps, type KillSignal } from './kill.js';
import { bindTest } from './lookup.js';
import { isAlive, killTracked, startServer } from './test-support/processes.js';
import { createCoreSource } from './test-support/core-source.js';
import { reincarnated, scannedRequest } from './test-support/kill-helpers.js';

// Issue 16 item 3: Force after a SIGTERM the user already saw fail sends SIGKILL at once, after the
// same identity and still-holds re-check as any signal: no second SIGTERM, no second grace period.

const linux = process.platform === 'linux';
const { readIdentity: readProcIdentity } = createLinuxOwnerResolver();
type Source = ReturnType<typeof createCoreSource>;

const requestFor = (source: Source, pid: number, port: number) =>
  scannedRequest(source, pid, port, 'force', { afterFailedTerm: true });

describe.runIf(linux)('force after a failed SIGTERM', () => {
  let source: Source;
  let calls: { pid: number; signal: KillSignal }[];
  let deps: KillDeps;

  beforeEach(() => {
    source = createCoreSource();
    calls = [];
    deps = {
      source,
      readIdentity: readProcIdentity,
      signal: (pid, signal) => {
        calls.push({ pid, signal });
        process.kill(pid, signal);
      },
      respawnWindowMs: 300,
      // A grace period no test could sit through unnoticed: a second SIGTERM wait would show.
      graceMs: 30_000,
    };
  });
  afterEach(() => killTracked());

  it('sends only SIGKILL to a SIGTERM-ignoring server and frees its port', async () => {
    const server = await startServer({ ignoreTerm: true });
    const started = performance.now();
    const result = await killListenerOwner(await requestFor(source, server.pid, server.port), deps);
    expect(result).toMatchObject({ ok: true, value: { outcome: 'freed', signals: ['SIGKILL'] } });
    expect(calls).toEqual([{ pid: server.pid, signal: 'SIGKILL' }]);
    // Not a speed target: proof that the 30 s SIGTERM grace period was not waited through again.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(isAlive(server.pid)).toBe(false);
    expect(await bindTest('tcp', 4, '127.0.0.1', server.port)).toEqual({ free: true });
  });

  it('signals nothing when the identity changed (same pid, another start time)', async () => {
    const server = await startServer({ ignoreTerm: true });
    const request = await requestFor(source, server.pid, server.port);
    const result = await killListenerOwner(request, {
      ...deps,
      readIdentity: reincarnated(readProcIdentity),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'PROCESS_CHANGED' } });
    expect(calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('signals nothing when the process no longer holds the confirmed port', async () => {
    const server = await startServer({ ignoreTerm: true });
    const request = await requestFor(source, server.pid, server.port);
    // Same listener id and process, but the snapshot the pipeline re-scans no longer has the socket.
    const result = await killListenerOwner(request, {
      ...deps,
      source: {
        latest: () => source.latest(),
        refresh: async () => {
          const s = await source.refresh();
          return { ...s, listeners: s.listeners.filter((l) => l.port !== server.port) };
        },
      },
    });
    expect(result.ok).toBe(false);
    expect(calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('the request field is a boolean or absent at the process edge', () => {
    const base = { listenerId: 'tcp:4:127.0.0.1:80', pid: 1234, startToken: '5', mode: 'force' };
    expect(parseRequest('kill', { ...base, afterFailedTerm: true }).ok).toBe(true);
    expect(parseRequest('kill', base).ok).toBe(true);
    expect(parseRequest('kill', { ...base, afterFailedTerm: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });
});
