import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the fleet's servers saw (see scripts/health-fleet.mjs). */
export interface FleetStats {
  readonly connections: number;
  readonly open: number;
  readonly maxOpen: number;
  readonly maxAnswering: number;
  readonly maxOpenPerPort: number;
  readonly silentBytes: number;
}

/** Real listeners in one child process (a `node` owner): healthy HTTP servers and silent ones. */
export interface Fleet {
  readonly pid: number;
  readonly http: readonly number[];
  readonly silent: readonly number[];
  stats(): Promise<FleetStats>;
  /** Starts the counters and maxima again (from what is open now). */
  reset(): Promise<FleetStats>;
  stop(): void;
}

const script = fileURLToPath(new URL('../../../scripts/health-fleet.mjs', import.meta.url));

/** Starts `http` healthy HTTP servers and `silent` accept-and-say-nothing servers on 127.0.0.1. */
export function startFleet(http: number, silent = 0): Promise<Fleet> {
  const child: ChildProcess = fork(script, [String(http), String(silent)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fleet exited (${String(code)})`)));
    child.once('message', (m: { ports: { http: number[]; silent: number[] } }) => {
      resolve({
        pid: child.pid as number,
        http: m.ports.http,
        silent: m.ports.silent,
        stats: () => ask(child, 'stats'),
        reset: () => ask(child, 'reset'),
        stop: () => {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
        },
      });
    });
  });
}

function ask(child: ChildProcess, message: 'stats' | 'reset'): Promise<FleetStats> {
  return new Promise((done) => {
    const on = (r: { stats?: FleetStats }): void => {
      if (!r.stats) return;
      child.off('message', on);
      done(r.stats);
    };
    child.on('message', on);
    child.send(message);
  });
}
