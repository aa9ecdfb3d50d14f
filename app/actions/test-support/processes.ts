import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * Real child processes for the actions tests: servers, a SIGTERM-ignoring server, a client that
 * holds a connection, and a supervisor that respawns its server. Every pid any of them reports
 * is tracked so {@link killTracked} can clean up by pid in afterEach.
 */

const tracked = new Set<number>();

/**
 * Source of a server: listens on HM_PORT/HM_HOST (HTTP when HM_HTTP=1, else a silent TCP server),
 * prints `listening <port>`, and ignores SIGTERM when HM_IGNORE_TERM=1.
 */
export const SERVER_CODE = `
const net = require('net');
if (process.env.HM_IGNORE_TERM === '1') process.on('SIGTERM', () => {});
const server = process.env.HM_HTTP === '1'
  ? require('http').createServer((req, res) => res.end('<title>hm test</title>'))
  : net.createServer((c) => { c.on('error', () => {}); });
server.listen({ port: Number(process.env.HM_PORT || 0), host: process.env.HM_HOST || '127.0.0.1' }, () => {
  process.stdout.write('listening ' + server.address().port + '\\n');
});
setInterval(() => {}, 1 << 30);
`;

const SUPERVISOR_CODE = `
const { spawn } = require('child_process');
function start() {
  const c = spawn(process.execPath, ['-e', process.env.HM_CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write('child ' + c.pid + '\\n');
  c.stdout.on('data', (d) => process.stdout.write(d));
  c.on('exit', () => setTimeout(start, 20));
}
start();
setInterval(() => {}, 1 << 30);
`;

const CLIENT_CODE = `
const s = require('net').connect(Number(process.env.HM_PORT), process.env.HM_HOST, () => process.stdout.write('connected\\n'));
s.on('error', () => {});
s.on('close', () => process.stdout.write('closed\\n'));
setInterval(() => {}, 1 << 30);
`;

/** A spawned process whose stdout lines can be awaited. */
export interface Spawned {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (seen before or after the call). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly lines: readonly string[];
}

/** Spawns `node -e code` with extra env and tracks its pid. */
export function spawnNode(code: string, env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, ['-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  if (child.pid === undefined) throw new Error('spawn failed');
  tracked.add(child.pid);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    const respawned = /^child (\d+)$/.exec(line);
    if (respawned?.[1]) tracked.add(Number.parseInt(respawned[1], 10));
    for (const w of [...waiters]) {
      const m = w.pattern.exec(line);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return {
    pid: child.pid,
    child,
    lines,
    waitForLine(pattern, timeoutMs = 10_000) {
      for (const line of lines) {
        const m = pattern.exec(line);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${String(pattern)}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picked it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a real TCP server process and waits until it listens. */
export async function startServer(
  options: { host?: string; port?: number; ignoreTerm?: boolean; http?: boolean } = {},
): Promise<{ pid: number; port: number; proc: Spawned }> {
  const proc = spawnNode(SERVER_CODE, {
    HM_HTTP: options.http === true ? '1' : '0',
    HM_HOST: options.host ?? '127.0.0.1',
    HM_PORT: String(options.port ?? 0),
    HM_IGNORE_TERM: options.ignoreTerm === true ? '1' : '0',
  });
  const m = await proc.waitForLine(/^listening (\d+)$/);
  return { pid: proc.pid, port: Number.parseInt(m[1] ?? '0', 10), proc };
}

/** Starts a server through another executable path (e.g. a symlink named like a system process). */
export async function startServerAs(
  execPath: string,
  host = '127.0.0.1',
): Promise<{ pid: number; port: number }> {
  const child = spawn(execPath, ['-e', SERVER_CODE], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HM_HOST: host, HM_PORT: '0', HM_IGNORE_TERM: '0' },
  });
  if (child.pid === undefined) throw new Error('spawn failed');
  const pid = child.pid;
  tracked.add(pid);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 10_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number.parseInt(m[1], 10));
      }
    });
  });
  return { pid, port };
}

/** Starts a supervisor that runs a server on `port` and respawns it 20 ms after it dies. */
export async function startSupervisor(port: number): Promise<Spawned & { firstChild: number }> {
  const proc = spawnNode(SUPERVISOR_CODE, {
    HM_CHILD: SERVER_CODE,
    HM_PORT: String(port),
    HM_HOST: '127.0.0.1',
    HM_IGNORE_TERM: '0',
  });
  const child = await proc.waitForLine(/^child (\d+)$/);
  await proc.waitForLine(/^listening (\d+)$/);
  return Object.assign(proc, { firstChild: Number.parseInt(child[1] ?? '0', 10) });
}

/** Starts a separate client process holding an ESTABLISHED connection to host:port. */
export async function startClient(port: number, host = '127.0.0.1'): Promise<Spawned> {
  const proc = spawnNode(CLIENT_CODE, { HM_PORT: String(port), HM_HOST: host });
  await proc.waitForLine(/^connected$/);
  return proc;
}

export { isAlive, waitUntil } from '../../testing/wait.js';

/** SIGKILLs every process the helpers started (and supervisors' children), by pid. */
export function killTracked(): void {
  for (const pid of tracked) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  tracked.clear();
}

/** Tracks a pid started elsewhere so {@link killTracked} cleans it up. */
export function track(pid: number): void {
  tracked.add(pid);
}
