import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KillRequest } from '../contract/api.js';
import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { readAncestors } from './ancestors.js';
import {
  buildTaskkillArgv,
  checkPid,
  elevatedKillCommand,
  interpretTaskkill,
  isProtectedName,
  killListenerOwner,
  type KillDeps,
  type RunTaskkill,
} from './kill.js';
import { bindTest } from './lookup.js';
import {
  isAlive,
  killTracked,
  spawnNode,
  startClient,
  startServer,
  startServerAs,
  startSupervisor,
  waitUntil,
} from './test-support/processes.js';
import { createCoreSource } from './test-support/core-source.js';
import { reincarnated, scannedRequest as requestFor, spySignal } from './test-support/kill-helpers.js';

const linux = process.platform === 'linux';

type Source = ReturnType<typeof createCoreSource>;

/** The real /proc identity reader, as the service hands it to kill. */
const { readIdentity: readProcIdentity } = createLinuxOwnerResolver();

describe.runIf(linux)('killListenerOwner with real processes', () => {
  let source: Source;
  let spy: ReturnType<typeof spySignal>;
  let deps: KillDeps;

  beforeEach(() => {
    source = createCoreSource();
    spy = spySignal();
    deps = { source, readIdentity: readProcIdentity, signal: spy.fn, respawnWindowMs: 300 };
  });
  afterEach(() => killTracked());

  it('frees the port of a server that obeys SIGTERM, and the port binds afterwards', async () => {
    const server = await startServer();
    const request = await requestFor(source, server.pid, server.port);
    // Default grace and respawn window: what a user gets.
    const result = await killListenerOwner(request, {
      source,
      readIdentity: readProcIdentity,
      signal: spy.fn,
    });
    expect(result).toMatchObject({
      ok: true,
      value: { outcome: 'freed', pid: server.pid, port: server.port },
    });
    if (!result.ok) return;
    expect(result.value.signals).toEqual(['SIGTERM']);
    expect(result.value.heldBy).toBeNull();
    expect(result.value.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(result.value.elapsedMs).toBeLessThan(4000);
    expect(result.value.message).toMatch(/is free/);
    expect(spy.calls).toEqual([{ pid: server.pid, signal: 'SIGTERM' }]);
    expect(isAlive(server.pid)).toBe(false);
    expect(await bindTest('tcp', 4, '127.0.0.1', server.port)).toEqual({ free: true });
  });

  it('leaves a SIGTERM-ignoring server running in graceful mode, then frees it when forced', async () => {
    const server = await startServer({ ignoreTerm: true });
    const graceful = await killListenerOwner(await requestFor(source, server.pid, server.port), {
      ...deps,
      graceMs: 600,
    });
    expect(graceful).toMatchObject({ ok: true, value: { outcome: 'still-running', signals: ['SIGTERM'] } });
    if (graceful.ok) {
      expect(graceful.value.heldBy?.pid).toBe(server.pid);
      expect(graceful.value.message).toMatch(/Force/);
    }
    expect(isAlive(server.pid)).toBe(true);

    const forced = await killListenerOwner(await requestFor(source, server.pid, server.port, 'force'), {
      ...deps,
      graceMs: 300,
    });
    expect(forced).toMatchObject({ ok: true, value: { outcome: 'freed', signals: ['SIGTERM', 'SIGKILL'] } });
    expect(spy.calls.map((c) => c.signal)).toEqual(['SIGTERM', 'SIGTERM', 'SIGKILL']);
    expect(spy.calls.every((c) => c.pid === server.pid)).toBe(true);
    expect(isAlive(server.pid)).toBe(false);
  });

  it('signals nothing when the pid now belongs to another incarnation (start time changed)', async () => {
    const server = await startServer();
    const request = await requestFor(source, server.pid, server.port);
    const result = await killListenerOwner(request, {
      ...deps,
      // Simulates pid reuse between the scan and the signal: same pid, later start time.
      readIdentity: reincarnated(readProcIdentity),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'PROCESS_CHANGED' } });
    expect(spy.calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('signals nothing when the executable changed under the same pid and start time', async () => {
    const server = await startServer();
    const result = await killListenerOwner(await requestFor(source, server.pid, server.port), {
      ...deps,
      readIdentity: async (pid) => {
        const real = await readProcIdentity(pid);
        return real.ok ? { ok: true, value: { ...real.value, exe: '/usr/bin/something-else' } } : real;
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'PROCESS_CHANGED' } });
    expect(spy.calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('refuses a request made for an earlier incarnation of the owner', async () => {
    const server = await startServer();
    const request = await requestFor(source, server.pid, server.port);
    const result = await killListenerOwner({ ...request, startToken: '1' }, deps);
    expect(result).toMatchObject({ ok: false, error: { code: 'PROCESS_CHANGED' } });
    expect(spy.calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('refuses pid 1, itself and its ancestors with PROTECTED', async () => {
    const ancestors = await readAncestors();
    expect(ancestors[0]).toBe(process.pid);
    expect(ancestors).toContain(process.ppid);
    for (const pid of [1, process.pid, process.ppid]) {
      const result = await killListenerOwner(
        { listenerId: 'tcp:4:127.0.0.1:1:x', pid, startToken: '1', mode: 'force' },
        deps,
      );
      expect(result, `pid ${pid}`).toMatchObject({ ok: false, error: { code: 'PROTECTED' } });
    }
    // A real listening process that is (declared) an ancestor is refused before anything else.
    const server = await startServer();
    const result = await killListenerOwner(await requestFor(source, server.pid, server.port, 'force'), {
      ...deps,
      ancestors: async () => [process.pid, server.pid],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'PROTECTED' } });
    if (!result.ok) expect(result.error.message).toMatch(/parent/);
    expect(spy.calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('refuses a session-critical process by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-kill-'));
    try {
      // The kernel names a process after the file it was exec'd as, so this node is "Xwayland".
      const fake = join(dir, 'Xwayland');
      symlinkSync(process.execPath, fake);
      const server = await startServerAs(fake);
      const request = await requestFor(source, server.pid, server.port, 'force');
      const result = await killListenerOwner(request, deps);
      expect(result).toMatchObject({ ok: false, error: { code: 'PROTECTED' } });
      if (!result.ok) expect(result.error.message).toMatch(/Xwayland.*session-critical/);
      expect(spy.calls).toEqual([]);
      expect(isAlive(server.pid)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never touches a client connected to the port', async () => {
    const server = await startServer();
    const client = await startClient(server.port);
    const result = await killListenerOwner(await requestFor(source, server.pid, server.port), deps);
    expect(result).toMatchObject({ ok: true, value: { outcome: 'freed' } });
    expect(spy.calls).toEqual([{ pid: server.pid, signal: 'SIGTERM' }]);
    await client.waitForLine(/^closed$/);
    expect(isAlive(client.pid)).toBe(true);
    expect(isAlive(server.pid)).toBe(false);
  });

  it('reports a supervisor respawn as restarted, with the new holder', async () => {
    const { port } = await startServer().then(async (s) => {
      // Borrow a port the OS handed out, then free it for the supervisor's server.
      process.kill(s.pid, 'SIGKILL');
      await waitUntil(() => !isAlive(s.pid));
      return s;
    });
    const supervisor = await startSupervisor(port);
    const oldPid = supervisor.firstChild;
    const result = await killListenerOwner(await requestFor(source, oldPid, port), {
      ...deps,
      respawnWindowMs: 5000,
    });
    expect(result).toMatchObject({ ok: true, value: { outcome: 'restarted', pid: oldPid } });
    if (!result.ok) return;
    const newPid = result.value.heldBy?.pid;
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(oldPid);
    expect(supervisor.lines).toContain(`child ${String(newPid)}`);
    expect(result.value.message).toContain(`started by pid ${supervisor.pid}`);
    expect(isAlive(oldPid)).toBe(false);
    expect(isAlive(newPid ?? 0)).toBe(true);
    expect(spy.calls).toEqual([{ pid: oldPid, signal: 'SIGTERM' }]);
  });

  it('reports still-held when another, pre-existing process keeps the port', async () => {
    // Two processes each hold the port on a different address (v4 loopback and v6 loopback).
    const v4 = await startServer({ host: '127.0.0.1' });
    const v6 = await startServer({ host: '::1', port: v4.port });
    const result = await killListenerOwner(await requestFor(source, v4.pid, v4.port), deps);
    expect(result).toMatchObject({ ok: true, value: { outcome: 'still-held', heldBy: { pid: v6.pid } } });
    expect(isAlive(v6.pid)).toBe(true);
  });

  it('never reports its own still-listed owner as a respawn while it is exiting', async () => {
    const server = await startServer();
    const request = await requestFor(source, server.pid, server.port);
    let signalled = false;
    const result = await killListenerOwner(request, {
      ...deps,
      // The signal is recorded but not delivered, and identity then reads like an exiting process
      // (exe unreadable): the socket is still listed under the same pid + start token.
      signal: (pid, signal) => {
        spy.calls.push({ pid, signal });
        signalled = true;
      },
      readIdentity: async (pid) => {
        const real = await readProcIdentity(pid);
        return real.ok && signalled ? { ok: true, value: { ...real.value, exe: null } } : real;
      },
    });
    expect(result).toMatchObject({
      ok: true,
      value: { outcome: 'still-running', heldBy: { pid: server.pid } },
    });
    expect(isAlive(server.pid)).toBe(true);
  });

  it('reports already-gone when the owner exited before the signal', async () => {
    const server = await startServer();
    const request = await requestFor(source, server.pid, server.port);
    process.kill(server.pid, 'SIGKILL');
    await waitUntil(() => !isAlive(server.pid));
    const result = await killListenerOwner(request, deps);
    expect(result).toMatchObject({ ok: true, value: { outcome: 'already-gone', signals: [], heldBy: null } });
    if (result.ok) expect(result.value.message).toMatch(/already exited.*free/);
    expect(spy.calls).toEqual([]);
  });

  it('reports freed, not success-by-assumption, when the owner drops the port but keeps running', async () => {
    const proc = spawnNode(`
      const net = require('net');
      const s = net.createServer().listen(0, '127.0.0.1', () => process.stdout.write('listening ' + s.address().port + '\\n'));
      process.on('SIGTERM', () => s.close());
      setInterval(() => {}, 1 << 30);
    `);
    const port = Number((await proc.waitForLine(/^listening (\d+)$/))[1]);
    const result = await killListenerOwner(await requestFor(source, proc.pid, port), {
      ...deps,
      graceMs: 500,
    });
    expect(result).toMatchObject({ ok: true, value: { outcome: 'freed' } });
    if (result.ok) expect(result.value.message).toMatch(/still running/);
    expect(isAlive(proc.pid)).toBe(true);
  });

  it('reports permission-denied with a copyable elevated command when the OS refuses', async () => {
    const server = await startServer();
    const result = await killListenerOwner(await requestFor(source, server.pid, server.port), {
      ...deps,
      // We run as root here, so EPERM is produced the way process.kill reports it.
      signal: () => {
        throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
      },
    });
    expect(result).toMatchObject({
      ok: true,
      value: { outcome: 'permission-denied', command: `sudo kill -TERM ${server.pid}`, signals: [] },
    });
    expect(isAlive(server.pid)).toBe(true);
  });

  it('as root, an OS refusal never says "needs admin" nor offers sudo (a confined root)', async () => {
    const server = await startServer();
    const asRoot = {
      latest: () => {
        const s = source.latest();
        return s && { ...s, viewer: { uid: 0, user: 'root' } };
      },
      refresh: async () => ({ ...(await source.refresh()), viewer: { uid: 0, user: 'root' } }),
    };
    const result = await killListenerOwner(await requestFor(source, server.pid, server.port), {
      ...deps,
      source: asRoot,
      signal: () => {
        throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
      },
    });
    expect(result).toMatchObject({ ok: true, value: { outcome: 'permission-denied', command: null } });
    const message = result.ok ? result.value.message : '';
    expect(message).toMatch(/even as root/);
    expect(message).not.toMatch(/admin rights\. |needs admin/);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('refuses listeners that are not in the current snapshot', async () => {
    await source.refresh();
    const result = await killListenerOwner(
      { listenerId: 'tcp:4:127.0.0.1:9:nope', pid: 424242, startToken: '1', mode: 'graceful' },
      deps,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_IN_SNAPSHOT' } });
    expect(spy.calls).toEqual([]);
  });

  it('runs the Windows taskkill flow with argv only: graceful, then /F when forced', async () => {
    const server = await startServer({ ignoreTerm: true });
    const runs: string[][] = [];
    // Stands in for taskkill.exe on Linux: a console app refuses the graceful close; /F kills it.
    const runTaskkill: RunTaskkill = async (argv) => {
      runs.push([...argv]);
      if (argv.includes('/F')) {
        process.kill(Number(argv[1]), 'SIGKILL');
        return {
          exitCode: 0,
          stdout: `SUCCESS: The process with PID ${argv[1]} has been terminated.`,
          stderr: '',
        };
      }
      return {
        exitCode: 1,
        stdout: '',
        stderr: `ERROR: The process with PID ${argv[1]} could not be terminated.\nReason: This process can only be terminated forcefully (with /F option).`,
      };
    };
    const winDeps = { ...deps, platform: 'win32' as const, runTaskkill, graceMs: 300 };
    const graceful = await killListenerOwner(await requestFor(source, server.pid, server.port), winDeps);
    expect(graceful).toMatchObject({ ok: true, value: { outcome: 'still-running', signals: ['taskkill'] } });
    const forced = await killListenerOwner(
      await requestFor(source, server.pid, server.port, 'force'),
      winDeps,
    );
    expect(forced).toMatchObject({
      ok: true,
      value: { outcome: 'freed', signals: ['taskkill', 'taskkill /F'] },
    });
    const p = String(server.pid);
    expect(runs).toEqual([
      ['/PID', p],
      ['/PID', p],
      ['/PID', p, '/F'],
    ]);
    expect(spy.calls).toEqual([]);
  });
});

describe('kill input validation', () => {
  const calls: unknown[] = [];
  const deps: KillDeps = {
    source: {
      latest: () => {
        calls.push('latest');
        return null;
      },
      refresh: () => {
        calls.push('refresh');
        return Promise.reject(new Error('must not scan'));
      },
    },
    readIdentity: async () => {
      calls.push('readIdentity');
      throw new Error('must not read');
    },
    signal: (pid, sig) => void calls.push([pid, sig]),
    ancestors: async () => [process.pid],
  };
  afterAll(() => expect(calls).toEqual([]));

  it.each([
    0,
    -1,
    -2,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    '12abc',
    '123; rm -rf ~',
    '0',
    null,
    [12],
  ])('rejects pid %j before touching the OS', async (pid) => {
    const r = await killListenerOwner(
      { listenerId: 'x', pid, startToken: '1', mode: 'graceful' } as unknown as KillRequest,
      deps,
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_PID' } });
    expect(calls).toEqual([]);
  });

  it('explains why 0 and negative pids are dangerous', () => {
    expect(checkPid(0)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/process group/) },
    });
    expect(checkPid('-1')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/every process/) },
    });
    expect(checkPid('12abc')).toMatchObject({ ok: false, error: { code: 'INVALID_PID' } });
    expect(checkPid('4321')).toEqual({ ok: true, value: 4321 });
  });

  it('rejects a missing listener id, start token or unknown mode', async () => {
    for (const bad of [
      { listenerId: '', pid: 50, startToken: '1', mode: 'graceful' },
      { listenerId: 'x'.repeat(301), pid: 50, startToken: '1', mode: 'graceful' },
      { listenerId: 'x', pid: 50, startToken: '', mode: 'graceful' },
      { listenerId: 'x', pid: 50, startToken: '1', mode: 'tree' },
    ]) {
      const r = await killListenerOwner(bad as unknown as KillRequest, deps);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    }
  });

  it('refuses the Windows System and Idle pids', async () => {
    const r = await killListenerOwner(
      { listenerId: 'x', pid: 4, startToken: '1', mode: 'force' },
      { ...deps, platform: 'win32' },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'PROTECTED' } });
  });
});

describe('kill policy helpers', () => {
  it('builds taskkill argv: /F only to force, /T only when asked', () => {
    expect(buildTaskkillArgv(1234, { force: false })).toEqual(['/PID', '1234']);
    expect(buildTaskkillArgv(1234, { force: true })).toEqual(['/PID', '1234', '/F']);
    expect(buildTaskkillArgv(1234, { force: true, tree: true })).toEqual(['/PID', '1234', '/T', '/F']);
  });

  it('reads taskkill exit codes and messages', () => {
    expect(interpretTaskkill({ exitCode: 0, stdout: 'SUCCESS', stderr: '' }, false)).toBe('sent');
    expect(interpretTaskkill({ exitCode: 128, stdout: '', stderr: 'ERROR: not found' }, true)).toBe('gone');
    expect(interpretTaskkill({ exitCode: 1, stdout: '', stderr: 'ERROR: Access is denied.' }, true)).toBe(
      'denied',
    );
    expect(
      interpretTaskkill(
        {
          exitCode: 1,
          stdout: '',
          stderr: 'This process can only be terminated forcefully (with /F option).',
        },
        false,
      ),
    ).toBe('needs-force');
    expect(interpretTaskkill({ exitCode: 1, stdout: '', stderr: 'FEHLER: unbekannt' }, true)).toBe('denied');
  });

  it('gives copyable elevated commands per platform', () => {
    expect(elevatedKillCommand(99, 'graceful', 'linux')).toBe('sudo kill -TERM 99');
    expect(elevatedKillCommand(99, 'force', 'darwin')).toBe('sudo kill -KILL 99');
    expect(elevatedKillCommand(99, 'graceful', 'win32')).toBe('taskkill /PID 99');
    expect(elevatedKillCommand(99, 'force', 'win32')).toBe('taskkill /PID 99 /F');
  });

  it('knows session-critical names per platform', () => {
    expect(isProtectedName('systemd', '/usr/lib/systemd/systemd', 'linux')).toBe(true);
    expect(isProtectedName('gnome-shell', null, 'linux')).toBe(true);
    expect(isProtectedName('WindowServer', null, 'darwin')).toBe(true);
    expect(isProtectedName('LSASS.EXE', null, 'win32')).toBe(true);
    expect(isProtectedName('x', 'C:\\Windows\\System32\\csrss.exe', 'win32')).toBe(true);
    expect(isProtectedName('node', '/usr/bin/node', 'linux')).toBe(false);
    expect(isProtectedName('systemd-resolve', null, 'linux')).toBe(false);
  });
});
