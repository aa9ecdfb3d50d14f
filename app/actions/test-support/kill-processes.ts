import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SERVER_CODE, spawnNode, track, type Spawned } from './processes.js';

/**
 * Real processes for the "kill acts only on facts checked after yes" tests: a holder that closes
 * its listener on request and stays alive, a plain shell that runs a different program on the
 * same port after the first exits, and a process holding several TCP and UDP ports.
 */

/** Listens on HM_HOST:HM_PORT; on SIGUSR2 (or SIGTERM with HM_CLOSE_ON_TERM=1) closes it and lives on. */
const CLOSER_CODE = `
const s = require('net').createServer((c) => c.on('error', () => {}));
const close = () => s.close(() => process.stdout.write('closed\\n'));
process.on('SIGUSR2', close);
if (process.env.HM_CLOSE_ON_TERM === '1') process.on('SIGTERM', close);
s.listen({ port: Number(process.env.HM_PORT || 0), host: process.env.HM_HOST || '127.0.0.1' }, () =>
  process.stdout.write('listening ' + s.address().port + '\\n'));
setInterval(() => {}, 1 << 30);
`;

/** A holder that closes its listener when told (SIGUSR2), or on SIGTERM, and keeps running. */
export async function startCloser(
  options: { closeOnTerm?: boolean; host?: string } = {},
): Promise<{ pid: number; port: number; proc: Spawned; closeListener(): Promise<void> }> {
  const proc = spawnNode(CLOSER_CODE, {
    HM_HOST: options.host ?? '127.0.0.1',
    HM_PORT: '0',
    HM_CLOSE_ON_TERM: options.closeOnTerm === true ? '1' : '0',
  });
  const port = Number((await proc.waitForLine(/^listening (\d+)$/))[1]);
  return {
    pid: proc.pid,
    port,
    proc,
    async closeListener() {
      process.kill(proc.pid, 'SIGUSR2');
      await proc.waitForLine(/^closed$/);
    },
  };
}

/**
 * A plain `sh` (not a supervisor) that runs a server on `port`, and after it exits, a different
 * program (other arguments) on the same port. Resolves once the first server listens.
 */
export async function startShellThenOther(
  port: number,
): Promise<{ shellPid: number; firstPid: number; lines: string[] }> {
  const other = `${SERVER_CODE}\n// a different program: the replacement`;
  const child = spawn(
    '/bin/sh',
    ['-c', 'node -e "$HM_FIRST" & echo "first $!"; wait; node -e "$HM_OTHER" & echo "other $!"; wait'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        PATH: `${process.execPath.replace(/\/[^/]+$/, '')}:${process.env['PATH'] ?? ''}`,
        HM_FIRST: SERVER_CODE,
        HM_OTHER: other,
        HM_PORT: String(port),
        HM_HOST: '127.0.0.1',
      },
    },
  );
  if (child.pid === undefined) throw new Error('spawn failed');
  track(child.pid);
  const lines: string[] = [];
  let firstPid = 0;
  let listening = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('shell server did not start')), 10_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const m = /^(first|other) (\d+)$/.exec(line);
      if (m?.[2]) track(Number(m[2]));
      if (m?.[1] === 'first') firstPid = Number(m[2]);
      if (/^listening /.test(line)) listening = true;
      if (listening && firstPid !== 0) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { shellPid: child.pid, firstPid, lines };
}

/** One process holding two TCP and two UDP sockets (v4 and v6 loopback), each on its own port. */
const MULTI_CODE = `
const net = require('net');
const dgram = require('dgram');
const ports = [];
const done = () => { if (ports.length === 4) process.stdout.write('ports ' + ports.join(' ') + '\\n'); };
for (const host of ['127.0.0.1', '::1']) {
  const t = net.createServer((c) => c.on('error', () => {}));
  t.listen(0, host, () => { ports.push('tcp/' + host + '/' + t.address().port); done(); });
  const u = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  u.bind(0, host, () => { ports.push('udp/' + host + '/' + u.address().port); done(); });
}
setInterval(() => {}, 1 << 30);
`;

/** What {@link startMultiPortServer} holds. */
export interface HeldSocket {
  readonly protocol: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
}

/** Starts a process holding tcp and udp on 127.0.0.1 and ::1 (four ports). */
export async function startMultiPortServer(): Promise<{ pid: number; sockets: HeldSocket[] }> {
  const proc = spawnNode(MULTI_CODE);
  const m = await proc.waitForLine(/^ports (.+)$/);
  const sockets = (m[1] ?? '').split(' ').map((s) => {
    const [protocol, address, port] = s.split('/');
    return { protocol: protocol as 'tcp' | 'udp', address: address ?? '', port: Number(port) };
  });
  return { pid: proc.pid, sockets };
}
