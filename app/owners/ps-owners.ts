import { posix } from 'node:path';
import { err, ok, type HmError, type Result } from '../model/errors.js';
import type { ProcessOwner } from '../model/listener.js';
import { findTool, runTool } from '../scan/run-tool.js';
import { createCachedOwners, isPid } from './cached-resolver.js';
import { recognizeProxy } from './container.js';
import type { OwnerResolver, ProcessIdentity } from './types.js';

/** Where `ps` lives on macOS, the BSDs and Linux. */
export const PS_PATHS: readonly string[] = ['/bin/ps', '/usr/bin/ps'];

/** Most pids per `ps -p` list, so the argv stays far below ARG_MAX. */
const PID_CHUNK = 200;

/**
 * argv for the identity columns. `lstart` (e.g. `Mon Nov 23 08:24:56 2026`, always five words in
 * the C locale) is the start token; `comm` goes last because on macOS it is the full executable
 * path and may contain spaces. `-ww`: never cut columns to the terminal width.
 * https://man.freebsd.org/cgi/man.cgi?ps(1)
 */
export function psIdentityArgs(pids: readonly number[]): string[] {
  return ['-ww', '-o', 'pid=,ppid=,uid=,lstart=,user=,comm=', '-p', pids.join(',')];
}

/** argv for the command lines, read in a second run because `args` may contain anything. */
export function psArgsArgs(pids: readonly number[]): string[] {
  return ['-ww', '-o', 'pid=,args=', '-p', pids.join(',')];
}

/** One row of {@link psIdentityArgs} output. */
export interface PsIdentityRow {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  /** `lstart` with runs of spaces collapsed: the start token. */
  readonly lstart: string;
  /** Null when ps could not print the whole name (procps cuts long names to `abcdefg+`). */
  readonly user: string | null;
  readonly comm: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IDENTITY_LINE =
  /^\s*(\d+)\s+(\d+)\s+(\d+)\s+([A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4}))\s+(\S+)\s+(.*\S)\s*$/;

/**
 * `lstart` text → epoch ms, or null when it is not a real date. It is local time; `utc` when ps
 * ran with `TZ=UTC0` (a remote's `ps`, whose time zone is not ours).
 */
export function parseLstart(lstart: string, utc = false): number | null {
  const m = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(
    lstart.replace(/\s+/g, ' ').trim(),
  );
  if (!m || !WEEKDAYS.includes(m[1] ?? '')) return null;
  const month = MONTHS.indexOf(m[2] ?? '');
  if (month < 0) return null;
  const [day, h, min, s, y] = [m[3], m[4], m[5], m[6], m[7]].map((x) => Number(x)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (utc) {
    const u = new Date(Date.UTC(y, month, day, h, min, s));
    return u.getUTCDate() === day && u.getUTCMonth() === month ? u.getTime() : null;
  }
  const d = new Date(y, month, day, h, min, s);
  return d.getDate() === day && d.getMonth() === month ? d.getTime() : null;
}

/**
 * A UTC `lstart` (ps run with `TZ=UTC0`) as the digits `YYYYMMDDhhmmss`, or null: the start
 * identity a remote without /proc is re-checked by (app/remote/kill-script.ts prints the same
 * digits from `ps -o lstart=` there).
 */
export function lstartStamp(lstart: string): string | null {
  const ms = parseLstart(lstart, true);
  return ms === null ? null : new Date(ms).toISOString().slice(0, 19).replace(/\D/g, '');
}

/** Parses {@link psIdentityArgs} output; lines that do not fit are counted in `skipped`. */
export function parsePsIdentity(text: string): { rows: PsIdentityRow[]; skipped: number } {
  const rows: PsIdentityRow[] = [];
  let skipped = 0;
  const lines = text.split('\n');
  // ps ends every line with a newline; a last line without one was cut off (its name may be cut).
  if ((lines.pop() ?? '').trim() !== '') skipped += 1;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const m = IDENTITY_LINE.exec(line);
    const lstart = m?.[4]?.replace(/\s+/g, ' ') ?? '';
    if (!m || parseLstart(lstart) === null) {
      skipped += 1;
      continue;
    }
    const user = m[11] ?? '';
    rows.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      uid: Number(m[3]),
      lstart,
      user: /\+$/.test(user) ? null : user,
      comm: m[12] ?? '',
    });
  }
  return { rows, skipped };
}

/** Parses {@link psArgsArgs} output into pid → command line. */
export function parsePsArgs(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+) +(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined) out.set(Number(m[1]), m[2]);
  }
  return out;
}

/**
 * The short name. macOS prints the executable's full path as `comm`, so an absolute path is cut
 * to its file name; anywhere else `comm` is already the name and may contain a `/` of its own
 * (Linux and BSD let a process name itself `node /opt/app`), so it is kept whole.
 */
export function psName(comm: string): string {
  return comm.startsWith('/') ? posix.basename(comm) || comm : comm;
}

function nameOf(comm: string, command: string): string {
  const base = psName(comm);
  // Linux comm is cut at 15 bytes; the command line's first word then says more.
  const first = command.split(' ')[0] ?? '';
  if (base.length === 15 && posix.basename(first).startsWith(base)) return posix.basename(first);
  return base;
}

/** Builds owners from the two ps outputs (identity + command lines). Pure. */
export function parsePsOwners(identityText: string, argsText: string): Map<number, ProcessOwner> {
  const argsByPid = parsePsArgs(argsText);
  const out = new Map<number, ProcessOwner>();
  for (const row of parsePsIdentity(identityText).rows) {
    const command = argsByPid.get(row.pid) || row.comm;
    const name = nameOf(row.comm, command);
    out.set(row.pid, {
      kind: 'process',
      pid: row.pid,
      startToken: row.lstart,
      startedAt: parseLstart(row.lstart),
      name,
      command,
      exe: row.comm.startsWith('/') ? row.comm : null,
      user: row.user,
      uid: row.uid,
      cwd: null,
      project: null,
      container: recognizeProxy(name, command.split(' ')),
      ppid: row.ppid > 0 ? row.ppid : null,
    });
  }
  return out;
}

/** Options for {@link createPsOwnerResolver}. */
export interface PsOwnerOptions {
  readonly candidates?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * Owner resolver for macOS and the BSDs (works on Linux too): one `ps` pair per resolve, for the
 * pids not yet cached only; cached owners are kept by (pid, start token) until `prune` drops
 * their pid. `readIdentity` always asks ps afresh (it guards kills). cwd is not read: it would
 * cost an lsof per process.
 */
export function createPsOwnerResolver(options: PsOwnerOptions = {}): OwnerResolver {
  const candidates = options.candidates ?? PS_PATHS;
  const timeoutMs = options.timeoutMs ?? 5000;

  /** Runs ps for `pids`: owners found, or the error every pid shares. */
  async function lookUp(
    pids: readonly number[],
    withArgs: boolean,
  ): Promise<{ ok: true; text: string; args: string } | { ok: false; error: HmError }> {
    const ps = await findTool(candidates);
    if (ps === null) return { ok: false, error: { code: 'TOOL_MISSING', message: 'ps is not installed.' } };
    let text = '';
    let args = '';
    for (let i = 0; i < pids.length; i += PID_CHUNK) {
      const chunk = pids.slice(i, i + PID_CHUNK);
      // ps exits 1 when some listed pid does not exist: that is an answer, not a failure.
      const id = await runTool(ps, psIdentityArgs(chunk), { timeoutMs, okExitCodes: [0, 1] });
      if (!id.ok) return id;
      text += id.stdout;
      if (!withArgs) continue;
      const a = await runTool(ps, psArgsArgs(chunk), { timeoutMs, okExitCodes: [0, 1] });
      if (!a.ok) return a;
      args += a.stdout;
    }
    return { ok: true, text, args };
  }

  return {
    ...createCachedOwners(async (pids) => {
      const found = await lookUp(pids, true);
      return found.ok ? ok(parsePsOwners(found.text, found.args)) : found;
    }),
    async readIdentity(pid): Promise<Result<ProcessIdentity>> {
      if (!isPid(pid)) return err('INVALID_PID', `${pid} is not a process id.`);
      const found = await lookUp([pid], false);
      if (!found.ok) return found;
      const row = parsePsIdentity(found.text).rows.find((r) => r.pid === pid);
      if (!row) return err('ESRCH', `Process ${pid} is gone.`);
      return ok({
        pid,
        startToken: row.lstart,
        exe: row.comm.startsWith('/') ? row.comm : null,
        name: psName(row.comm),
      });
    },
  };
}
