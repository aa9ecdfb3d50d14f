import { spawn, type ChildProcess } from 'node:child_process';

/** One socket a child opened. */
export interface OpenedSocket {
  readonly protocol: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
}

/** A child process holding listeners, for tests. */
export interface ListenerChild {
  readonly pid: number;
  readonly sockets: readonly OpenedSocket[];
  readonly child: ChildProcess;
  /** Closes one socket inside the child. */
  close(index: number): Promise<void>;
  /** Kills the child by pid and waits for it to exit. */
  kill(): Promise<void>;
}

const CHILD_SOURCE = `
const net = require('node:net');
const dgram = require('node:dgram');
const specs = JSON.parse(process.argv[1]);
const handles = [];
const opened = [];
let pending = specs.length;
const done = () => { if (--pending === 0) process.stdout.write(JSON.stringify(opened) + '\\n'); };
specs.forEach((s, i) => {
  if (s.protocol === 'tcp') {
    const srv = net.createServer((c) => c.end('hello\\n'));
    srv.listen({ host: s.host, port: s.port || 0, ipv6Only: s.host === '::' ? !!s.v6only : undefined }, () => {
      opened[i] = { protocol: 'tcp', host: s.host, port: srv.address().port }; handles[i] = srv; done();
    });
  } else {
    const sock = dgram.createSocket({ type: s.host.includes(':') ? 'udp6' : 'udp4' });
    sock.bind(s.port || 0, s.host, () => { opened[i] = { protocol: 'udp', host: s.host, port: sock.address().port }; handles[i] = sock; done(); });
  }
});
process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let nl;
  while ((nl = buf.indexOf('\\n')) >= 0) {
    const i = Number(buf.slice(0, nl)); buf = buf.slice(nl + 1);
    const h = handles[i];
    h.close(() => process.stdout.write('closed ' + i + '\\n'));
  }
});
`;

/** Spawns a node child that opens the given listeners and reports their ports. */
export async function spawnListeners(
  specs: readonly { protocol: 'tcp' | 'udp'; host: string; port?: number }[],
): Promise<ListenerChild> {
  const child = spawn(process.execPath, ['-e', CHILD_SOURCE, JSON.stringify(specs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const waiters: ((line: string) => void)[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('listener child did not answer')), 10_000);
      waiters.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
    });
  const sockets = JSON.parse(await nextLine()) as OpenedSocket[];
  const pid = child.pid;
  if (pid === undefined) throw new Error('no pid');
  return {
    pid,
    sockets,
    child,
    async close(index) {
      const line = nextLine();
      child.stdin?.write(`${index}\n`);
      await line;
    },
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          resolve();
        }
      }),
  };
}

/** TCP and UDP on both loopbacks: what backends' real-socket tests open in one child. */
export const LOOPBACK_BINDS = [
  { protocol: 'tcp', host: '127.0.0.1' },
  { protocol: 'tcp', host: '::1' },
  { protocol: 'udp', host: '127.0.0.1' },
  { protocol: 'udp', host: '::1' },
] as const;

/** TCP and UDP on both wildcards (all interfaces): the second child of those tests. */
export const WILDCARD_BINDS = [
  { protocol: 'tcp', host: '0.0.0.0' },
  { protocol: 'tcp', host: '::' },
  { protocol: 'udp', host: '0.0.0.0' },
  { protocol: 'udp', host: '::' },
] as const;
