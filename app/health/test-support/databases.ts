import { spawn, type ChildProcess } from 'node:child_process';
import {
  access,
  chmod,
  chown,
  constants,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, run } from './servers.js';

/** A private database server a test started; `stop()` ends it by pid and removes its files. */
export interface DatabaseInstance {
  readonly port: number;
  /** Pid of the server process itself (redis-server / the postmaster). */
  readonly pid: number;
  readonly logFile: string;
  /** The server's log so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Where Debian installs redis-server; CI installs it (`.ci/run`). */
export const REDIS_SERVER = '/usr/bin/redis-server';

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function waitForLog(file: string, text: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const log = await readFile(file, 'utf8').catch(() => '');
    if (log.includes(text)) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited before "${text}"; its log:\n${log.slice(-2000)}`);
    }
    if (Date.now() > until) throw new Error(`no "${text}" within ${timeoutMs} ms; log:\n${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts a private redis-server on a free loopback port: no persistence, verbose log to a temp
 * file (so accepted connections and any "Possible SECURITY ATTACK" show up). Throws a clear error
 * when redis-server is not installed: tests must fail, not pass silently.
 */
export async function startRedis(extraArgs: readonly string[] = []): Promise<DatabaseInstance> {
  if (!(await executable(REDIS_SERVER))) {
    throw new Error(
      `${REDIS_SERVER} is missing: install redis-server (Debian package; .ci/run installs it).`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'hm-redis-'));
  const logFile = join(dir, 'redis.log');
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      logFile,
      '--loglevel',
      'verbose',
      '--daemonize',
      'no',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server did not start');
  const stop = async (): Promise<void> => {
    killPid(pid, 'SIGTERM');
    if (!(await waitForExit(child, 5000))) killPid(pid, 'SIGKILL');
    await waitForExit(child, 2000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForLog(logFile, 'Ready to accept connections', child, 10_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, pid, logFile, log: () => readFile(logFile, 'utf8'), stop };
}

/** The newest PostgreSQL bin directory Debian installed (`/usr/lib/postgresql/<v>/bin`), or null. */
export async function postgresBinDir(): Promise<string | null> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  const sorted = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of sorted) {
    const bin = join(root, v, 'bin');
    if ((await executable(join(bin, 'initdb'))) && (await executable(join(bin, 'postgres')))) return bin;
  }
  return null;
}

/**
 * Starts a private PostgreSQL cluster in a temp dir on a free loopback port, logging every
 * connection (`log_connections`, `log_min_messages=debug1`) to a file. As root it runs as the
 * `postgres` OS user via runuser (initdb refuses root). With `tls`, SSL is on with that key pair.
 * Throws a clear error when PostgreSQL is not installed.
 */
export async function startPostgres(tls?: { key: string; cert: string }): Promise<DatabaseInstance> {
  const bin = await postgresBinDir();
  if (bin === null) {
    throw new Error(
      'PostgreSQL is missing: no /usr/lib/postgresql/*/bin/{initdb,postgres} (Debian package postgresql; .ci/run installs it).',
    );
  }
  const asRoot = process.getuid?.() === 0;
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    uid = Number.parseInt((await run('/usr/bin/id', ['-u', 'postgres'])).trim(), 10);
    gid = Number.parseInt((await run('/usr/bin/id', ['-g', 'postgres'])).trim(), 10);
  }
  const as = (file: string, args: string[]): [string, string[]] =>
    asRoot ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  const dir = await mkdtemp(join(tmpdir(), 'hm-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (asRoot) await chown(dir, uid, gid);
  await chmod(dir, 0o755);
  const [initFile, initArgs] = as(join(bin, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  try {
    await run(initFile, initArgs, 60_000);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const sslArgs: string[] = [];
  if (tls) {
    const keyFile = join(data, 'server.key');
    const certFile = join(data, 'server.crt');
    await writeFile(keyFile, tls.key, { mode: 0o600 });
    await writeFile(certFile, tls.cert, { mode: 0o644 });
    if (asRoot) {
      await chown(keyFile, uid, gid);
      await chown(certFile, uid, gid);
    }
    sslArgs.push('-c', 'ssl=on', '-c', `ssl_key_file=${keyFile}`, '-c', `ssl_cert_file=${certFile}`);
  }
  await mkdir(join(dir, 'sock'), { recursive: true });
  if (asRoot) await chown(join(dir, 'sock'), uid, gid);
  const port = await freePort();
  const logHandle = await open(logFile, 'a');
  const [pgFile, pgArgs] = as(join(bin, 'postgres'), [
    '-D',
    data,
    '-k',
    join(dir, 'sock'),
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'logging_collector=off',
    '-c',
    'log_connections=on',
    '-c',
    'log_min_messages=debug1',
    '-c',
    'fsync=off',
    ...sslArgs,
  ]);
  const child = spawn(pgFile, pgArgs, { stdio: ['ignore', logHandle.fd, logHandle.fd] });
  await logHandle.close();
  let pid = child.pid ?? -1;
  const stop = async (): Promise<void> => {
    // SIGINT is PostgreSQL's "fast shutdown"; runuser waits for its child and then exits too.
    killPid(pid, 'SIGINT');
    if (!(await waitForExit(child, 10_000))) {
      killPid(pid, 'SIGKILL');
      if (child.pid !== undefined) killPid(child.pid, 'SIGKILL');
    }
    await waitForExit(child, 2000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForLog(logFile, 'database system is ready to accept connections', child, 30_000);
    // The postmaster's own pid (the first line of postmaster.pid), not runuser's.
    const pidText = (await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n', 1)[0] ?? '';
    if (/^\d+$/.test(pidText)) pid = Number.parseInt(pidText, 10);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, pid, logFile, log: () => readFile(logFile, 'utf8'), stop };
}
