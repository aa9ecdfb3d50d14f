import { existsSync, readFileSync } from 'node:fs';
import { parseProcStat } from '../owners/proc-stat.js';
import { runTool } from '../scan/run-tool.js';

/** Where `ss` lives on Debian/Ubuntu and most other distributions. */
const SS_PATHS = ['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss', '/sbin/ss'];

/** A process state letter as `ps` shows it, with what it means for a listener. */
export interface ProcessState {
  readonly pid: number;
  readonly state: string;
  /** `stopped` (T/t), `zombie` (Z), `exiting` (X), `disk-wait` (D), or `running`. */
  readonly meaning: 'stopped' | 'zombie' | 'exiting' | 'disk-wait' | 'running';
}

/** Maps a `/proc/PID/stat` state letter (proc(5)) to what it means for answering connections. */
export function stateMeaning(state: string): ProcessState['meaning'] {
  if (state === 'T' || state === 't') return 'stopped';
  if (state === 'Z') return 'zombie';
  if (state === 'X' || state === 'x') return 'exiting';
  if (state === 'D') return 'disk-wait';
  return 'running';
}

/** Reads a process's state letter (Linux); null when it cannot be read. */
export function readProcessState(pid: number, procRoot = '/proc'): ProcessState | null {
  try {
    const stat = parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'latin1'));
    return stat ? { pid, state: stat.state, meaning: stateMeaning(stat.state) } : null;
  } catch {
    return null;
  }
}

/** One listening TCP socket's accept queue: connections waiting (Recv-Q) vs the backlog (Send-Q). */
export interface AcceptQueue {
  readonly address: string;
  readonly port: number;
  readonly queued: number;
  readonly backlog: number;
}

/**
 * Parses `ss -Hltn` output. For a listening socket ss reports (from sock_diag's idiag_rqueue and
 * idiag_wqueue) the accept queue length as Recv-Q and the backlog as Send-Q (ss(8)).
 */
export function parseSsListenQueues(text: string): AcceptQueue[] {
  const out: AcceptQueue[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[0] !== 'LISTEN') continue;
    const queued = Number(f[1]);
    const backlog = Number(f[2]);
    const local = f[3] ?? '';
    const colon = local.lastIndexOf(':');
    const port = Number(local.slice(colon + 1));
    const address = local
      .slice(0, colon)
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/%.*$/, '');
    if (!Number.isInteger(queued) || !Number.isInteger(backlog) || !Number.isInteger(port)) continue;
    out.push({ address: address === '*' ? '0.0.0.0' : address, port, queued, backlog });
  }
  return out;
}

/** Accept queues of the TCP listeners on `port` (Linux, through `ss`); null when ss is missing. */
export async function readAcceptQueues(port: number): Promise<AcceptQueue[] | null> {
  const ss = SS_PATHS.find((p) => existsSync(p));
  if (!ss) return null;
  const r = await runTool(ss, ['-Hltn', `sport = :${port}`], { timeoutMs: 2000 });
  return r.ok ? parseSsListenQueues(r.stdout).filter((q) => q.port === port) : null;
}

/** The OS's dynamic (ephemeral) port range, and where it came from. */
export interface DynamicRange {
  readonly low: number;
  readonly high: number;
  readonly source: string;
}

/** Reads Linux's `ip_local_port_range`; else the IANA range 49152–65535. */
export function readDynamicRange(path = '/proc/sys/net/ipv4/ip_local_port_range'): DynamicRange {
  try {
    const [low, high] = readFileSync(path, 'latin1').trim().split(/\s+/).map(Number);
    if (
      low !== undefined &&
      high !== undefined &&
      Number.isInteger(low) &&
      Number.isInteger(high) &&
      low <= high
    ) {
      return { low, high, source: path };
    }
  } catch {
    // not Linux, or not readable
  }
  return { low: 49152, high: 65535, source: 'IANA dynamic range (RFC 6335)' };
}
