import { readFile, readlink } from 'node:fs/promises';
import { err, ok, type Result } from '../../model/errors.js';
import type { ProcessOwner } from '../../model/listener.js';
import type { ProcessIdentity, ReadIdentity } from '../../owners/types.js';

/**
 * A small real /proc reader for the actions tests, standing in for the lead's app/owners/linux
 * resolver so these tests meet the real OS (no mocks). Linux only.
 */

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every mainstream Linux build. */
const CLK_TCK = 100;

interface StatFields {
  readonly state: string;
  readonly ppid: number;
  readonly startTicks: string;
}

/** Parses `/proc/<pid>/stat`, counting fields after the last `)` because comm may contain one. */
export function parseProcStat(text: string): StatFields | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).split(' ');
  // After the comm: state is field 3, ppid field 4, starttime field 22 (proc(5)).
  const state = f[0];
  const ppid = f[1];
  const start = f[19];
  if (state === undefined || ppid === undefined || start === undefined || !/^[0-9]+$/.test(start))
    return null;
  return { state, ppid: Number.parseInt(ppid, 10), startTicks: start };
}

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

async function readStat(pid: number): Promise<Result<StatFields>> {
  try {
    const fields = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
    if (!fields) return err('INTERNAL', `Unreadable /proc/${pid}/stat.`);
    // A zombie has exited and holds no sockets; it only waits for its parent to reap it.
    if (fields.state === 'Z') return err('ESRCH', `pid ${pid} has exited (zombie).`);
    return ok(fields);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ESRCH') return err('ESRCH', `pid ${pid} does not exist.`);
    if (code === 'EACCES' || code === 'EPERM') return err('EPERM', `pid ${pid} is not readable.`);
    return err('INTERNAL', `Reading pid ${pid} failed: ${String(code)}.`);
  }
}

async function readOrNull(path: string, link: boolean): Promise<string | null> {
  try {
    return link ? await readlink(path) : await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Reads pid + start token (stat field 22) + exe + comm, ESRCH when gone, EPERM when unreadable. */
export const readProcIdentity: ReadIdentity = async (pid) => {
  const stat = await readStat(pid);
  if (!stat.ok) return stat;
  const exe = await readOrNull(`/proc/${pid}/exe`, true);
  const comm = (await readOrNull(`/proc/${pid}/comm`, false))?.trim() ?? '';
  const identity: ProcessIdentity = { pid, startToken: stat.value.startTicks, exe, name: comm };
  return ok(identity);
};

let bootTimeMs: number | null = null;

async function bootTime(): Promise<number | null> {
  if (bootTimeMs === null) {
    const m = /^btime (\d+)$/m.exec((await readOrNull('/proc/stat', false)) ?? '');
    bootTimeMs = m?.[1] ? Number.parseInt(m[1], 10) * 1000 : null;
  }
  return bootTimeMs;
}

async function userName(uid: number): Promise<string | null> {
  const passwd = (await readOrNull('/etc/passwd', false)) ?? '';
  for (const line of passwd.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id === String(uid)) return name;
  }
  return null;
}

/** Reads a full owner for a pid from /proc. */
export async function readProcOwner(pid: number): Promise<Result<ProcessOwner>> {
  const stat = await readStat(pid);
  if (!stat.ok) return stat;
  const id = await readProcIdentity(pid);
  if (!id.ok) return id;
  const cmdline = (await readOrNull(`/proc/${pid}/cmdline`, false)) ?? '';
  const status = (await readOrNull(`/proc/${pid}/status`, false)) ?? '';
  const uidMatch = /^Uid:\s+(\d+)/m.exec(status);
  const uid = uidMatch?.[1] ? Number.parseInt(uidMatch[1], 10) : null;
  const boot = await bootTime();
  return ok({
    kind: 'process',
    pid,
    startToken: id.value.startToken,
    startedAt: boot === null ? null : boot + (Number.parseInt(stat.value.startTicks, 10) * 1000) / CLK_TCK,
    name: id.value.name,
    command: cmdline.split('\0').filter(Boolean).join(' '),
    exe: id.value.exe,
    user: uid === null ? null : await userName(uid),
    uid,
    cwd: await readOrNull(`/proc/${pid}/cwd`, true),
    project: null,
    container: null,
    ppid: stat.value.ppid,
  });
}
