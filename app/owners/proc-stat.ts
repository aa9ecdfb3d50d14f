/** The fields of `/proc/<pid>/stat` the app uses. */
export interface ProcStat {
  readonly pid: number;
  /** `comm`: at most 15 characters, may contain spaces and parentheses. */
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** Start time in clock ticks since boot: with the pid, identifies one process incarnation. */
  readonly startTicks: string;
}

/**
 * Parses `/proc/<pid>/stat`. The comm field is wrapped in parentheses and may itself contain `)`
 * and spaces, so the fields are split after the LAST `)` (proc(5)).
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // rest[0] = state (field 3), rest[1] = ppid (4), rest[19] = starttime (22)
  const state = rest[0];
  const ppid = Number(rest[1]);
  const startTicks = rest[19];
  if (!Number.isInteger(pid) || !state || !Number.isInteger(ppid) || !startTicks || !/^\d+$/.test(startTicks))
    return null;
  return { pid, comm, state, ppid, startTicks };
}

/** Parses `/proc/<pid>/cmdline` (NUL-separated argv, trailing NUL) into argv. */
export function parseCmdline(text: string): string[] {
  if (text.length === 0) return [];
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** Parses `/etc/passwd` into uid → user name. */
export function parsePasswd(text: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    const uid = Number(f[2]);
    if (f[0] && Number.isInteger(uid) && !map.has(uid)) map.set(uid, f[0]);
  }
  return map;
}

/** Parses the `btime` (boot time, seconds since epoch) line of `/proc/stat`. */
export function parseBootTime(text: string): number | null {
  const m = /^btime (\d+)$/m.exec(text);
  return m?.[1] ? Number(m[1]) : null;
}
