import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  existsSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../app/testing/wait.js';

/** The repository root (e2e/support → ../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every process a spec started, so cleanup can kill each one by pid. */
const started = new Set<ChildProcess>();

export { isAlive } from '../../app/testing/wait.js';

/** The errno `process.kill(pid, 0)` fails with, or null while the process exists. */
export function killZeroError(pid: number): string | null {
  try {
    process.kill(pid, 0);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unknown';
  }
}

/** Kills every process started through this module (SIGKILL, by pid) and waits for each to exit. */
export async function killAllStarted(): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const child of started) {
    started.delete(child);
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
    waits.push(new Promise((resolve) => child.once('exit', () => resolve())));
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))]);
}

function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** Reads stdout until `pattern` matches (or the process exits / the deadline passes). */
function waitForOutput(child: ChildProcess, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => finish(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`)),
      ms,
    );
    const onOut = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) finish(null, match);
    };
    const onErr = (chunk: Buffer): void => {
      err += chunk.toString();
    };
    const onExit = (code: number | null): void =>
      finish(
        new Error(`exited (${String(code)}) before printing ${pattern}; stdout: ${out}; stderr: ${err}`),
      );
    function finish(error: Error | null, match?: RegExpExecArray): void {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else if (match) resolve(match);
    }
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

/** A running `harbormaster serve`. */
export interface ServeProcess {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly pid: number;
  /** URLs the "open" action handed to the test opener, in order. */
  openedUrls(): string[];
  /** Sends SIGINT (Ctrl+C) and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** The settings folder this serve reads and writes pins in (HARBORMASTER_USER_DATA). */
  readonly userData: string;
}

/**
 * Starts the real CLI, `node bin/harbormaster.js serve --port 0 --no-open`, with
 * `HARBORMASTER_OPENER` pointing at a tiny script that appends each URL it is given to a file,
 * and reads the printed link.
 */
export async function startServe(
  options: {
    env?: NodeJS.ProcessEnv;
    /** Runs serve inside this command, e.g. `unshare --pid --fork --kill-child --mount-proc`. */
    prefix?: readonly string[];
    /** Runs serve as this user (setpriv, no fork: the pid is serve's); its folders are theirs. */
    as?: { readonly uid: number; readonly gid: number };
  } = {},
): Promise<ServeProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hm-e2e-'));
  const log = path.join(dir, 'opened.txt');
  const opener = path.join(dir, 'opener.sh');
  writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(opener, 0o755);
  const userData = path.join(dir, 'user-data');
  const asUser: NodeJS.ProcessEnv = {};
  if (options.as) {
    // Another user's serve: its settings, data and runtime folders must be its own.
    chmodSync(dir, 0o755);
    for (const sub of ['user-data', 'data', 'run', 'home']) {
      mkdirSync(path.join(dir, sub), { mode: 0o700 });
      chownSync(path.join(dir, sub), options.as.uid, options.as.gid);
    }
    Object.assign(asUser, { XDG_RUNTIME_DIR: path.join(dir, 'run'), HOME: path.join(dir, 'home') });
  }
  const prefix = [
    ...(options.prefix ?? []),
    ...(options.as
      ? ['setpriv', `--reuid=${options.as.uid}`, `--regid=${options.as.gid}`, '--clear-groups', '--']
      : []),
  ];
  const argv = [
    ...prefix,
    process.execPath,
    path.join(ROOT, 'bin', 'harbormaster.js'),
    'serve',
    '--port',
    '0',
    '--no-open',
  ];
  const child = track(
    spawn(argv[0] ?? process.execPath, argv.slice(1), {
      cwd: ROOT,
      // Its own settings folder: pins written by one test never show in another. Its own data
      // folder too: a spec never writes the user's port history, nor reads another spec's.
      env: {
        ...process.env,
        HARBORMASTER_DATA_DIR: path.join(dir, 'data'),
        ...asUser,
        ...options.env,
        HARBORMASTER_OPENER: opener,
        HARBORMASTER_USER_DATA: userData,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const match = await waitForOutput(child, /(http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]+)/, 20_000);
  child.stdout?.resume();
  child.stderr?.resume();
  const pid = child.pid ?? 0;
  return {
    url: match[0],
    origin: match[1] ?? '',
    port: Number.parseInt(match[2] ?? '0', 10),
    token: match[3] ?? '',
    pid,
    userData,
    openedUrls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l.length > 0)
        : [],
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once('exit', (code) => resolve(code));
        // unshare --fork ignores SIGINT while it waits; killing it kills serve (--kill-child).
        process.kill(pid, options.prefix ? 'SIGKILL' : 'SIGINT');
      }),
  };
}

/** A test process holding a port. */
export interface PortHolder {
  readonly pid: number;
  readonly port: number;
  /** Kills it (SIGKILL) and waits until it has exited. */
  stop(): Promise<void>;
}

async function startHolder(script: string, args: readonly string[] = []): Promise<PortHolder> {
  const child = track(
    spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const match = await waitForOutput(child, /LISTENING (\d+)/, 10_000);
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    pid: child.pid ?? 0,
    port: Number.parseInt(match[1] ?? '0', 10),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        process.kill(child.pid ?? 0, 'SIGKILL');
      }),
  };
}

/** The body every test HTTP server answers with (it names the pid, so a page shows whose it is). */
export const BODY_PREFIX = 'hello from the e2e server';

/**
 * Starts a real HTTP server in a child process (`node -e`). `ignoreTerm` makes it ignore SIGTERM,
 * like a server stuck in shutdown. `host` '::1' makes it IPv6-only.
 */
export function startHttpServer(
  options: { port?: number; host?: '127.0.0.1' | '::1' | '0.0.0.0'; ignoreTerm?: boolean } = {},
): Promise<PortHolder> {
  const script = `
    const http = require('node:http');
    const [port, host, ignoreTerm] = process.argv.slice(1);
    if (ignoreTerm === '1') process.on('SIGTERM', () => {});
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>E2E fixture</title><p id="body">${BODY_PREFIX} ' + process.pid + '</p>');
    });
    server.listen({ port: Number(port), host, ipv6Only: host === '::1' }, () => {
      console.log('LISTENING ' + server.address().port);
    });`;
  return startHolder(script, [
    String(options.port ?? 0),
    options.host ?? '127.0.0.1',
    options.ignoreTerm ? '1' : '0',
  ]);
}

/** Starts a UDP socket bound to 127.0.0.1 in a child process. */
export function startUdpListener(): Promise<PortHolder> {
  const script = `
    const socket = require('node:dgram').createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => console.log('LISTENING ' + socket.address().port));`;
  return startHolder(script);
}

/**
 * A port that is free on every address the core's lookup tests (wildcard and loopback, v4 and v6,
 * TCP and UDP), picked below Linux's ephemeral range (32768–60999) so no outgoing connection of
 * the browser or a probe can be using it as its local port in the meantime.
 */
export async function quietFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    // One at a time: the binds would collide with each other if run together.
    if (
      (await canBindTcp(port, '0.0.0.0')) &&
      (await canBindTcp(port, '127.0.0.1')) &&
      (await canBindTcp(port, '::')) &&
      (await canBindUdp(port))
    ) {
      return port;
    }
  }
  throw new Error('no free port found in 20000–29999');
}

/** True when the test itself can bind `port` on TCP `host` (then releases it at once). */
export async function canBindTcp(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when UDP `port` can be bound on 127.0.0.1. */
export async function canBindUdp(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** Polls `predicate` until it holds or `ms` pass (e2e's longer default). */
export function eventually(predicate: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  return waitUntil(predicate, ms, 50);
}
