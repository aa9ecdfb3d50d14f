import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The installed command and its build (`npm test` builds dist/ before the unit tests). */
export const BIN = fileURLToPath(new URL('../../../bin/harbormaster.js', import.meta.url));
export const BUILT = fileURLToPath(new URL('../../../dist/app/cli/main.js', import.meta.url));

/** One run of the real `harbormaster` command. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/**
 * Runs `harbormaster ARGS` as a new user would, optionally inside a network namespace
 * (`ip netns exec`) and/or as another user (`runuser -u`).
 */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; netns?: string; user?: string; prefix?: readonly string[] } = {},
): Promise<CliRun> {
  let argv = [process.execPath, BIN, ...args];
  if (options.user) argv = ['/usr/sbin/runuser', '-u', options.user, '--', ...argv];
  if (options.netns) argv = ['/usr/sbin/ip', 'netns', 'exec', options.netns, ...argv];
  if (options.prefix) argv = [...options.prefix, ...argv];
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      argv[0] ?? '',
      argv.slice(1),
      { timeout: 30_000, env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, wallMs: Math.round(performance.now() - started) });
      },
    );
  });
}

/** A server process a test started; killed by pid in cleanup. */
export interface ServerProc {
  readonly pid: number;
  readonly port: number;
  readonly child: ChildProcess;
}

/**
 * Starts `node -e CODE` (optionally in a namespace) whose first stdout line is its port. The code
 * gets HOST and PORT in its environment.
 */
export async function startNode(
  code: string,
  env: Record<string, string> = {},
  options: { netns?: string; argv0?: string } = {},
): Promise<ServerProc> {
  const exe = options.argv0 ?? process.execPath;
  const argv = options.netns
    ? ['/usr/sbin/ip', 'netns', 'exec', options.netns, exe, '-e', code]
    : [exe, '-e', code];
  const child = spawn(argv[0] ?? '', argv.slice(1), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return { pid: child.pid ?? 0, port: await firstLinePort(child), child };
}

/** The port a server child prints as its first line (it fails if the child exits first). */
function firstLinePort(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 15_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(Number(line.trim()));
    });
    child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
  });
}

/**
 * A loopback TCP socket with backlog 1 that never calls accept() (perl-base is on every Debian
 * system): connections beyond the backlog hang in SYN-SENT, the "listening but full" case.
 */
export async function startNoAcceptServer(): Promise<ServerProc> {
  const child = spawn(
    '/usr/bin/perl',
    [
      '-MIO::Socket::INET',
      '-e',
      '$s=IO::Socket::INET->new(LocalAddr=>"127.0.0.1",LocalPort=>0,Listen=>1,Proto=>"tcp") or die; $|=1; print $s->sockport,"\\n"; sleep 600',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return { pid: child.pid ?? 0, port: await firstLinePort(child), child };
}

/** Kills servers by pid (SIGCONT first, so a stopped one can die) and waits for their exit. */
export async function stopAll(servers: ServerProc[]): Promise<void> {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
          s.child.once('exit', () => resolve());
          try {
            process.kill(s.pid, 'SIGCONT');
            process.kill(s.pid, 'SIGKILL');
          } catch {
            resolve();
          }
        }),
    ),
  );
}

/** Node sources for the servers the findings need. */
export const SERVERS = {
  /** A TCP server that never says anything (listens on HOST:PORT). */
  tcp: `const s=require('net').createServer(c=>c.on('error',()=>{}));s.listen({host:process.env.HOST,port:+process.env.PORT||0,ipv6Only:true},()=>console.log(s.address().port))`,
  /** HTTP: 200 at /, 404 at /missing, 500 at /boom, each with a <title>. */
  http: `const s=require('http').createServer((q,r)=>{const st=q.url==='/missing'?404:q.url==='/boom'?500:200;r.writeHead(st,{'content-type':'text/html'});r.end('<title>'+(st===200?'Home':st===404?'Not Found':'Server Error')+'</title>')});s.listen({host:process.env.HOST,port:+process.env.PORT||0},()=>console.log(s.address().port))`,
  /** HTTPS with the KEY/CERT in the environment. */
  https: `const s=require('https').createServer({key:process.env.KEY,cert:process.env.CERT},(q,r)=>r.end('<title>Secure</title>'));s.listen({host:process.env.HOST,port:+process.env.PORT||0},()=>console.log(s.address().port))`,
  /** A UDP socket only. */
  udp: `const s=require('dgram').createSocket(process.env.HOST.includes(':')?'udp6':'udp4');s.bind(+process.env.PORT||0,process.env.HOST,()=>console.log(s.address().port))`,
};
