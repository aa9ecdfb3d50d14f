import { dispatch } from '../contract/dispatch.js';
import type { InvokeMethod } from '../contract/methods.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthMonitor, type HealthMonitor } from '../health/monitor.js';
import type { Listener } from '../model/listener.js';
import { DEFAULT_SETTINGS } from '../model/settings.js';
import type { Snapshot } from '../model/snapshot.js';
import { createHarbormasterService } from './create-service.js';
import type { HarbormasterService } from './types.js';

/** A real HTTP server in a child process; resolves with its pid and port. */
async function httpServer(): Promise<{ child: ChildProcess; pid: number; port: number }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, s) => s.end('<title>Service test</title>ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', () => reject(new Error('server exited')));
  });
  return { child, pid: child.pid as number, port };
}

describe.runIf(process.platform === 'linux')('createHarbormasterService', () => {
  let service: HarbormasterService;
  let server: Awaited<ReturnType<typeof httpServer>>;
  const pushes: Snapshot[] = [];
  beforeAll(async () => {
    server = await httpServer();
    // Probe only this test's server: other test files run in parallel and count the connections
    // their own servers receive, so a test must not probe listeners it does not own.
    const monitor = createHealthMonitor({ selfPid: process.pid });
    const health: HealthMonitor = {
      ...monitor,
      observe: (ls) =>
        monitor.observe(ls.filter((l) => l.owner.kind === 'process' && l.owner.pid === server.pid)),
    };
    service = await createHarbormasterService({
      health,
      settings: { ...DEFAULT_SETTINGS, pollIntervalMs: 500 },
    });
    service.onSnapshot((s) => pushes.push(s));
  });
  afterAll(async () => {
    await service?.dispose();
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });

  const until = async <T>(fn: () => T | undefined, ms = 10_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const mine = (s: Snapshot | undefined): Listener | undefined =>
    s?.listeners.find((l) => l.port === server.port && l.protocol === 'tcp');

  it('pushes snapshots in seq order and probes a web server to HTTP 200 with its title and URL', async () => {
    const up = await until(() => {
      const l = mine(pushes.at(-1));
      return l?.health.state === 'up' ? l : undefined;
    });
    expect(up.health).toMatchObject({ state: 'up', kind: 'http', status: 200, title: 'Service test' });
    expect(up.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(up.owner).toMatchObject({ kind: 'process', pid: server.pid, name: 'node' });
    expect(pushes.at(-1)?.viewer).toEqual({ uid: process.getuid?.() ?? null, user: 'root' });
    const seqs = pushes.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('validates every request at the process edge and answers errors as values', async () => {
    // The service takes typed requests; every transport in front of it validates once, through
    // the contract's dispatch (serve, the core host and Electron IPC all do).
    const call = async (method: InvokeMethod, raw: unknown) => {
      const outcome = await dispatch(service, method, raw);
      return outcome.kind === 'result' ? outcome.result : outcome;
    };
    expect(await call('lookup', { port: 619009 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PORT' },
    });
    expect(await call('checkHealth', { listenerId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_SNAPSHOT' },
    });
    expect(await call('kill', { listenerId: 'x', pid: 0, startToken: '1', mode: 'graceful' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PID' },
    });
    expect(await call('open', { listenerId: 'x', url: 'http://evil.example/' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await call('updateSettings', { pollIntervalMs: 10 })).toMatchObject({ ok: false });
    expect(await call('getSnapshot', { extra: 1 })).toMatchObject({
      kind: 'error',
      error: { code: 'INVALID_REQUEST' },
    });
  });

  it('kills the owner through the safe pipeline and reports the port freed', async () => {
    const snap = await service.getSnapshot();
    const l = mine(snap);
    expect(l?.owner.kind).toBe('process');
    if (!l || l.owner.kind !== 'process') return;
    const r = await service.kill({
      listenerId: l.id,
      pid: l.owner.pid,
      startToken: l.owner.startToken,
      mode: 'graceful',
    });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'freed', pid: server.pid, port: server.port } });
    expect(() => process.kill(server.pid, 0)).toThrow();
    expect(mine(await service.getSnapshot())).toBeUndefined();
  });

  it('pauses and resumes scanning', async () => {
    expect(await service.setPaused({ paused: true })).toEqual({ ok: true, value: { paused: true } });
    const pause = pushes.at(-1);
    expect(pause?.paused).toBe(true); // every face hears about the pause at once
    expect((await service.getSnapshot()).paused).toBe(true);
    const n = pushes.length;
    // The negative ("no scan while paused") waits for a positive control, not a fixed time: a
    // second core with the same interval, started now, must scan twice in the same span.
    const control = await createHarbormasterService({
      settings: { ...DEFAULT_SETTINGS, pollIntervalMs: 500 },
      autoProbe: false,
      history: null,
      containers: null,
    });
    try {
      const scans = new Set<number>();
      await new Promise<void>((resolve) => {
        const off = control.onSnapshot((s) => {
          scans.add(s.takenAt);
          if (scans.size >= 3) {
            off();
            resolve();
          }
        });
      });
    } finally {
      await control.dispose();
    }
    // A probe in flight may still land (a rebuild: same scan, new seq); no push carries a new scan.
    expect(pushes.slice(n).every((s) => s.takenAt === pause?.takenAt && s.paused === true)).toBe(true);
    expect(await service.setPaused({ paused: false })).toEqual({ ok: true, value: { paused: false } });
    expect(pushes.at(-1)?.paused).toBe(false);
    const resumed = pushes.length;
    await until(() => (pushes.slice(resumed).some((s) => s.takenAt !== pause?.takenAt) ? true : undefined));
  });
});
