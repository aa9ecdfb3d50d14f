import { win32 } from 'node:path';
import { err, ok, type Result } from '../model/errors.js';
import type { ProcessOwner } from '../model/listener.js';
import { runTool } from '../scan/run-tool.js';
import { windowsPowerShellPath } from '../scan/windows-paths.js';
import { createCachedOwners, isPid } from './cached-resolver.js';
import { recognizeProxy } from './container.js';
import type { OwnerResolver, ProcessIdentity } from './types.js';

/** Most pids per WQL filter, so the command line stays short. */
const PID_CHUNK = 100;

/**
 * The PowerShell script that describes `pids`. Only validated integers are interpolated (anything
 * else throws before a process starts). CreationDate is printed as UTC ISO-8601 text so the start
 * token does not depend on the PowerShell version's date serialization.
 * https://learn.microsoft.com/windows/win32/cimwin32prov/win32-process
 */
export function win32ProcessScript(pids: readonly number[]): string {
  if (pids.length === 0 || !pids.every((p) => Number.isInteger(p) && p > 0 && p <= 0xffffffff)) {
    throw new RangeError('win32ProcessScript needs positive integer pids');
  }
  const filter = pids.map((p) => `ProcessId=${p}`).join(' OR ');
  return [
    "$ErrorActionPreference = 'SilentlyContinue'",
    `Get-CimInstance Win32_Process -Filter '${filter}' | Select-Object ProcessId,ParentProcessId,Name,ExecutablePath,CommandLine,@{n='CreationDate';e={if ($_.CreationDate) { $_.CreationDate.ToUniversalTime().ToString('o') }}} | ConvertTo-Json -Compress`,
  ].join('; ');
}

/**
 * CreationDate → epoch ms. Accepts ISO-8601 (our script), `/Date(ms)/` (PowerShell 5.1's default
 * DateTime JSON) and WMI DMTF text (`20261123082456.123456+060`, offset in minutes).
 */
export function parseCreationDate(text: string): number | null {
  const ms = /^\/Date\((-?\d+)\)\/$/.exec(text);
  if (ms?.[1]) return Number(ms[1]);
  const dmtf = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-]\d{3})$/.exec(text);
  if (dmtf) {
    const [y, mo, d, h, mi, s, micro, off] = dmtf.slice(1).map(Number) as number[];
    const utc = Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s, Math.floor((micro ?? 0) / 1000));
    return utc - (off ?? 0) * 60_000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(text)) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;

/**
 * Parses `Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,Name,
 * ExecutablePath,CommandLine,CreationDate | ConvertTo-Json` (one object, an array or nothing) into
 * owners. The start token is the CreationDate text. Protected processes show no path or command
 * line without elevation: the name stands in for the command then. Bad records are counted.
 */
export function parseWin32Processes(json: string): {
  owners: Map<number, ProcessOwner>;
  skipped: number;
} {
  const owners = new Map<number, ProcessOwner>();
  const text = json.replace(/^\uFEFF/, '').trim();
  if (text === '') return { owners, skipped: 0 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { owners, skipped: 1 };
  }
  let skipped = 0;
  for (const rec of Array.isArray(value) ? value : value === null ? [] : [value]) {
    if (typeof rec !== 'object' || rec === null) {
      skipped += 1;
      continue;
    }
    const r = rec as Record<string, unknown>;
    const pid = int(r['ProcessId']);
    const name = str(r['Name']);
    const created = str(r['CreationDate']);
    if (pid === null || pid === 0 || name === null) {
      skipped += 1;
      continue;
    }
    const exe = str(r['ExecutablePath']);
    const command = str(r['CommandLine']) ?? exe ?? name;
    const ppid = int(r['ParentProcessId']);
    owners.set(pid, {
      kind: 'process',
      pid,
      // The System process (4) has no CreationDate; "boot" still identifies it for this session.
      startToken: created ?? 'boot',
      startedAt: created === null ? null : parseCreationDate(created),
      name,
      command,
      exe,
      user: null,
      uid: null,
      cwd: null,
      project: null,
      container: recognizeProxy(name, command.split(' ')),
      ppid: ppid !== null && ppid > 0 ? ppid : null,
    });
  }
  return { owners, skipped };
}

function isOneJsonDocument(text: string): boolean {
  try {
    JSON.parse(text.replace(/^\uFEFF/, '').trim() || 'null');
    return true;
  } catch {
    return false;
  }
}

/** Options for {@link createWindowsOwnerResolver}. */
export interface WindowsOwnerOptions {
  /** Override of powershell.exe (tests run a stand-in that prints recorded JSON). */
  readonly powershellPath?: string;
  readonly timeoutMs?: number;
}

/**
 * Windows owner resolver: ONE PowerShell run per `resolve` call, and only when some pids are not
 * cached yet (PowerShell start-up costs hundreds of ms: docs/ARCHITECTURE.md#scanner-design). Cached owners are
 * kept until `prune` drops their pid. `readIdentity` asks afresh (it guards kills). User names are
 * not read: Win32_Process.GetOwner costs a WMI call per process.
 */
export function createWindowsOwnerResolver(options: WindowsOwnerOptions = {}): OwnerResolver {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const powershell = (): string => options.powershellPath ?? windowsPowerShellPath();

  async function describe(pids: readonly number[]): Promise<Result<Map<number, ProcessOwner>>> {
    const all = new Map<number, ProcessOwner>();
    const script: string[] = [];
    for (let i = 0; i < pids.length; i += PID_CHUNK) {
      script.push(win32ProcessScript(pids.slice(i, i + PID_CHUNK)));
    }
    const r = await runTool(
      powershell(),
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script.join('; ')],
      { timeoutMs },
    );
    if (!r.ok) return { ok: false, error: r.error };
    // One chunk prints one JSON document; several chunks print one compressed document per line.
    const docs = isOneJsonDocument(r.stdout)
      ? [parseWin32Processes(r.stdout)]
      : r.stdout.split(/\r?\n/).map(parseWin32Processes);
    for (const doc of docs) for (const [pid, owner] of doc.owners) all.set(pid, owner);
    return ok(all);
  }

  return {
    ...createCachedOwners(describe),
    async readIdentity(pid): Promise<Result<ProcessIdentity>> {
      if (!isPid(pid)) return err('INVALID_PID', `${pid} is not a process id.`);
      const found = await describe([pid]);
      if (!found.ok) return found;
      const owner = found.value.get(pid);
      if (!owner) return err('ESRCH', `Process ${pid} is gone.`);
      return ok({
        pid,
        startToken: owner.startToken,
        exe: owner.exe,
        name: owner.exe ? win32.basename(owner.exe) : owner.name,
      });
    },
  };
}
