import { readFileSync } from 'node:fs';
import { findTool, runTool } from '../scan/run-tool.js';

/** Longest ancestor chain we walk; real chains are < 30 deep, a loop in bad data must still end. */
const MAX_DEPTH = 64;

/**
 * Parses the ppid out of `/proc/<pid>/stat`. The comm field is in parentheses and may itself
 * contain spaces and `)`, so fields are counted after the LAST `)` (proc(5)).
 */
export function parseStatPpid(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat.slice(close + 2).split(' ');
  const ppid = fields[1];
  return ppid !== undefined && /^[0-9]+$/.test(ppid) ? Number.parseInt(ppid, 10) : null;
}

// A synchronous read: a procfs stat file is generated in memory, never waits on a disk, and
// node:fs/promises would add ~2 ms to every kill's load (issue 14 item 2).
function linuxParent(pid: number): number | null {
  try {
    return parseStatPpid(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

async function psParent(ps: string, pid: number): Promise<number | null> {
  const r = await runTool(ps, ['-o', 'ppid=', '-p', String(pid)], { timeoutMs: 2000, maxBytes: 4096 });
  if (!r.ok) return null;
  const text = r.stdout.trim();
  return /^[0-9]+$/.test(text) ? Number.parseInt(text, 10) : null;
}

/**
 * The pid and every ancestor pid of `pid` (default: this process), nearest first: killing any of
 * them would kill us or the terminal/session we run in (docs/SECURITY.md#kill-pipeline, step 2). Linux walks
 * the ppid chain in `/proc/<pid>/stat`; macOS/BSD asks `/bin/ps -o ppid=`; Windows has no cheap
 * ppid chain without PowerShell, so it returns the pid and `process.ppid` only.
 */
export async function readAncestors(
  pid: number = process.pid,
  platform: NodeJS.Platform = process.platform,
): Promise<number[]> {
  const chain = [pid];
  if (platform === 'win32') {
    if (pid === process.pid && process.ppid > 0) chain.push(process.ppid);
    return chain;
  }
  const ps = platform === 'linux' ? null : await findTool(['/bin/ps', '/usr/bin/ps']);
  let current = pid;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    const parent = platform === 'linux' ? linuxParent(current) : ps ? await psParent(ps, current) : null;
    if (parent === null || parent <= 0 || chain.includes(parent)) break;
    chain.push(parent);
    if (parent === 1) break;
    current = parent;
  }
  // If /proc or ps failed at the first step we still know our direct parent.
  if (pid === process.pid && chain.length === 1 && process.ppid > 0) chain.push(process.ppid);
  return chain;
}
