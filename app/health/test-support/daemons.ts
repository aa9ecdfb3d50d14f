import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers.js';

/** A real daemon a test started on a free loopback port, logging to a file; `stop()` ends it by pid. */
export interface Daemon {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  /** The daemon's own log so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Options for {@link startDaemon}. */
interface DaemonSpec {
  readonly name: string;
  /** The executable, or where it is in the temp dir once `setup` made it. */
  readonly file: string | ((dir: string) => string);
  readonly args: (port: number, dir: string) => string[];
  /** Log text that says the daemon listens. */
  readonly ready: string;
  /** Files to write in the temp dir before starting. */
  readonly setup?: (port: number, dir: string) => Promise<void>;
}

async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  if (typeof spec.file === 'string' && !existsSync(spec.file)) {
    throw new Error(`${spec.file} is missing: install ${spec.name} (Debian package; .ci/run installs it).`);
  }
  const dir = await mkdtemp(join(tmpdir(), `trust-probe-${spec.name}-`));
  await chmod(dir, 0o755);
  const logFile = join(dir, `${spec.name}.log`);
  const port = await freePort();
  await spec.setup?.(port, dir);
  const handle = await open(logFile, 'a');
  const file = typeof spec.file === 'string' ? spec.file : spec.file(dir);
  const child = spawn(file, spec.args(port, dir), { stdio: ['ignore', handle.fd, handle.fd] });
  await handle.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.name} did not start`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!killed) process.kill(pid, 'SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 10_000;
  while (!(await log()).includes(spec.ready)) {
    if (child.exitCode !== null || Date.now() > until) {
      const text = await log();
      await stop();
      throw new Error(`${spec.name} did not become ready; its log:\n${text.slice(-2000)}`);
    }
    await sleep(50);
  }
  return { name: spec.name, port, pid, log, stop };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** memcached -vv: logs "Client using the … protocol" and each command once it reads any byte. */
export function startMemcached(): Promise<Daemon> {
  return startDaemon({
    name: 'memcached',
    file: '/usr/bin/memcached',
    args: (port) => ['-u', 'nobody', '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-vv'],
    ready: 'server listening',
  });
}

/** beanstalkd -VV: logs every command it reads ("<5 command <unknown>" for garbage). */
export function startBeanstalkd(): Promise<Daemon> {
  return startDaemon({
    name: 'beanstalkd',
    file: '/usr/bin/beanstalkd',
    args: (port) => ['-l', '127.0.0.1', '-p', String(port), '-VV'],
    ready: 'bind',
  });
}

/** mosquitto with `log_type all`: "protocol error" for anything that is not MQTT. */
export function startMosquitto(): Promise<Daemon> {
  return startDaemon({
    name: 'mosquitto',
    file: '/usr/sbin/mosquitto',
    setup: (port, dir) =>
      writeFile(
        join(dir, 'mosquitto.conf'),
        `user root\nlistener ${port} 127.0.0.1\nlog_type all\nlog_dest stderr\nallow_anonymous true\npersistence false\n`,
      ),
    args: (_port, dir) => ['-c', join(dir, 'mosquitto.conf')],
    ready: 'running',
  });
}

/** sshd with its own config and a fresh host key: logs "invalid protocol identifier" for garbage. */
export function startSshd(): Promise<Daemon> {
  return startDaemon({
    name: 'sshd',
    file: '/usr/sbin/sshd',
    setup: async (port, dir) => {
      // Privilege separation needs this directory (the Debian service creates it at boot).
      await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
      execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
      await writeFile(
        join(dir, 'sshd_config'),
        [
          `Port ${port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${join(dir, 'host_key')}`,
          'PidFile none',
          'LogLevel VERBOSE',
          'UsePAM no',
          '',
        ].join('\n'),
      );
    },
    args: (_port, dir) => ['-D', '-e', '-f', join(dir, 'sshd_config')],
    ready: 'Server listening',
  });
}

const RAW_SERVER = `
const fs = require('node:fs');
const log = process.argv[2];
require('node:net').createServer((s) => {
  let n = 0;
  fs.appendFileSync(log, 'connection\\n');
  s.on('data', (d) => { n += d.length; fs.appendFileSync(log, 'received ' + d.length + ' bytes: ' + JSON.stringify(d.toString('latin1')) + '\\n'); });
  s.on('error', () => {});
  s.on('close', () => fs.appendFileSync(log, 'closed after ' + n + ' bytes\\n'));
}).listen(Number(process.argv[3]), '127.0.0.1', () => fs.appendFileSync(log, 'listening\\n'));
`;

/**
 * A silent raw-TCP server under a process name that is not a web server's (`rawsvc`: Node run
 * through a symlink, so /proc/PID/comm says rawsvc). It logs every connection and every byte.
 */
export function startRawService(): Promise<Daemon> {
  return startDaemon({
    name: 'rawsvc',
    file: (dir) => join(dir, 'rawsvc'),
    setup: async (_port, dir) => {
      await writeFile(join(dir, 'server.js'), RAW_SERVER);
      await symlink(process.execPath, join(dir, 'rawsvc'));
    },
    args: (port, dir) => [join(dir, 'server.js'), join(dir, 'rawsvc.log'), String(port)],
    ready: 'listening',
  });
}
