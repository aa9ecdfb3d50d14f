import type { KillMode } from '../../app/model/actions.js';
import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import { groupOf, isOwn, menuText } from './tray-menu.js';

/**
 * Whether a kill from the tray needs a confirmation dialog: always when the setting asks for it,
 * except for the user's own dev servers when they opted out of that (SECURITY.md, Killing #2).
 */
export function needsKillConfirmation(
  listener: Listener,
  settings: Settings,
  currentUid: number | null,
): boolean {
  if (!settings.confirmBeforeKill) return false;
  if (settings.trayKillWithoutConfirmForOwnDev && isOwn(listener, currentUid) && groupOf(listener) === 'dev')
    return false;
  return true;
}

/** The confirmation dialog text: name, path, user, port, pid and uptime, as SECURITY.md asks. */
export function killConfirmation(
  listener: Listener,
  mode: KillMode,
  now: number,
  // Kept for callers: dialogs show `&` as typed on every platform, so nothing depends on it now.
  _platform: NodeJS.Platform,
): { message: string; detail: string; buttons: [string, string] } {
  const o = listener.owner;
  if (o.kind !== 'process') {
    return {
      message: `Port ${listener.port} has no known owner`,
      detail: o.message,
      buttons: ['Cancel', 'Cancel'],
    };
  }
  const verb = mode === 'force' ? 'Force kill' : 'Kill';
  const uptime = o.startedAt !== null ? formatUptime(now - o.startedAt) : 'unknown';
  return {
    message: `${verb} ${menuText(o.name)} (pid ${o.pid}) holding port ${listener.port}?`,
    detail: [
      `Command: ${menuText(o.command, 200)}`,
      `Executable: ${o.exe ?? 'unknown'}`,
      `User: ${o.user ?? 'unknown'}`,
      `Running for: ${uptime}`,
      mode === 'force'
        ? 'Force kill does not let the process clean up.'
        : 'The process is asked to stop; Harbormaster checks that the port is freed.',
    ].join('\n'),
    buttons: ['Cancel', verb],
  };
}

/** "3 h 12 min", "45 s": a human uptime. */
export function formatUptime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} days`;
}
