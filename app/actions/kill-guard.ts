import type { KillRequest } from '../contract/api.js';
import { err, ok, type Result } from '../model/errors.js';
import { parsePid } from '../model/port.js';
import { readAncestors } from './ancestors.js';
import { checkKillRequest } from './kill-request.js';

/**
 * Session-critical process names per platform: killing one logs the user out, freezes the
 * desktop or takes the machine down. docs/SECURITY.md#kill-pipeline (step 2); compare
 * cfengine/documentation#1873. Compared case-insensitively, without `.exe`.
 */
export const PROTECTED_NAMES: Readonly<Record<'linux' | 'darwin' | 'win32', readonly string[]>> = {
  linux: [
    'init',
    'systemd',
    'kthreadd',
    'systemd-logind',
    'dbus-daemon',
    'dbus-broker',
    'Xorg',
    'X',
    'Xwayland',
    'gnome-shell',
    'gnome-session-binary',
    'kwin_x11',
    'kwin_wayland',
    'plasmashell',
    'gdm',
    'gdm3',
    'sddm',
    'lightdm',
  ],
  darwin: ['launchd', 'kernel_task', 'WindowServer', 'loginwindow', 'securityd', 'opendirectoryd'],
  win32: [
    'System',
    'Idle',
    'Registry',
    'smss',
    'csrss',
    'wininit',
    'winlogon',
    'services',
    'lsass',
    'svchost',
    'dwm',
    'explorer',
    'fontdrvhost',
  ],
};

/** Windows pids that are never user processes: 0 (Idle) and 4 (System). */
const WINDOWS_PROTECTED_PIDS = new Set([0, 4]);

/** Is `name` (or the basename of `exe`) a session-critical process on `platform`? */
export function isProtectedName(name: string, exe: string | null, platform: NodeJS.Platform): boolean {
  const list =
    platform === 'darwin' || platform === 'win32' ? PROTECTED_NAMES[platform] : PROTECTED_NAMES.linux;
  const norm = (s: string): string => s.replace(/\.exe$/i, '').toLowerCase();
  const wanted = new Set(list.map(norm));
  const candidates = [name];
  if (exe) candidates.push(exe.split(/[\\/]/).pop() ?? '');
  return candidates.some((c) => c.length > 0 && wanted.has(norm(c)));
}

/**
 * Validates a pid from any source with the specific reason for the dangerous values: kill(2)
 * reads 0 as "my process group" and -1 as "every process I may signal". Numbers or decimal
 * strings only (never `parseInt`-style leniency: `"12abc"` is an error).
 */
export function checkPid(input: unknown): Result<number> {
  if (input === 0 || input === '0') {
    return err('INVALID_PID', 'pid 0 is not a process: signalling it would hit the whole process group.');
  }
  if ((typeof input === 'number' && input < 0) || (typeof input === 'string' && /^-[0-9]+$/.test(input))) {
    return err(
      'INVALID_PID',
      `pid ${String(input)} is not a process: negative pids signal process groups (-1 means every process).`,
    );
  }
  return parsePid(input);
}

/**
 * Checks a kill request by the contract's rule (`KillRequestSchema`): the transports validate at
 * their edge already; this keeps direct callers of the pipeline (the CLI) to the same rule. It is
 * the schema written out for its six fields ({@link checkKillRequest}, held equal to the schema by
 * kill-request.test.ts), so a kill never loads zod and the contract's schemas (issue 14 item 2).
 */
export function validateRequest(request: unknown): Result<KillRequest> {
  return checkKillRequest(request);
}

/** Who must never be signalled, besides session-critical names. */
export interface GuardDeps {
  readonly platform: NodeJS.Platform;
  readonly selfPid: number;
  /** Self and ancestor pids; default {@link readAncestors}. */
  readonly ancestors?: () => Promise<readonly number[]>;
  /** More pids never to touch (this app's helper processes, the serve port's owner…). */
  readonly protectedPids?: () => readonly number[];
}

/**
 * Refuses (`PROTECTED`) pid ≤ 1 and the Windows System/Idle pids, this process, its ancestors
 * (terminal, shell, session) and this app's own helpers; docs/SECURITY.md#kill-pipeline (step 2).
 */
export async function guardPid(pid: number, deps: GuardDeps): Promise<Result<number>> {
  if (pid <= 1 || (deps.platform === 'win32' && WINDOWS_PROTECTED_PIDS.has(pid))) {
    return err('PROTECTED', `pid ${pid} is the system's init process; Harbormaster never signals it.`);
  }
  if (pid === deps.selfPid) {
    return err('PROTECTED', `pid ${pid} is Harbormaster itself; it will not kill itself.`);
  }
  const ancestors = await (deps.ancestors ?? (() => readAncestors(deps.selfPid, deps.platform)))();
  if (ancestors.includes(pid)) {
    return err(
      'PROTECTED',
      `pid ${pid} is one of Harbormaster's parent processes (your terminal, shell or session); killing it would take Harbormaster with it.`,
    );
  }
  if ((deps.protectedPids?.() ?? []).includes(pid)) {
    return err('PROTECTED', `pid ${pid} is one of Harbormaster's own processes.`);
  }
  return ok(pid);
}
