import type { KillMode } from '../../app/model/actions.js';
import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import { cleanText } from '../../app/model/clean-text.js';
import { cleanDialog } from '../clean-output.js';
import { groupOf, isOwn } from './tray-menu.js';

/**
 * Whether a kill from the tray needs a confirmation dialog: always when the setting asks for it,
 * except for the user's own dev servers when they opted out of that (docs/SECURITY.md#kill-pipeline, step 4).
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

/** `tcp 0.0.0.0:80`, `udp [::1]:5353`. */
function socketText(l: Listener): string {
  return `${l.protocol} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`;
}

/**
 * The confirmation dialog text: name, path, user, port, pid and uptime, as docs/SECURITY.md#kill-pipeline asks,
 * and every listener the process holds (`held`, from the snapshot): killing nginx on 80 also
 * frees 8081 and 8443.
 */
export function killConfirmation(
  listener: Listener,
  mode: KillMode,
  now: number,
  // Kept for callers: dialogs show `&` as typed on every platform, so nothing depends on it now.
  _platform: NodeJS.Platform,
  held: readonly Listener[] = [listener],
): { message: string; detail: string; buttons: [string, string] } {
  const o = listener.owner;
  if (o.kind !== 'process') {
    return cleanDialog({
      message: `Port ${listener.port} has no known owner`,
      detail: cleanText(o.message, { max: 500 }),
      buttons: ['Cancel', 'Cancel'],
    });
  }
  const verb = mode === 'force' ? 'Force kill' : 'Kill';
  const uptime = o.startedAt !== null ? formatUptime(now - o.startedAt) : 'unknown';
  const all = [listener, ...held.filter((l) => l.id !== listener.id)];
  const more = all.length - 1;
  return cleanDialog({
    message: `${verb} ${cleanText(o.name, { max: 48 })} (pid ${o.pid}) holding port ${listener.port}${
      more > 0 ? ` and ${more} other listener${more === 1 ? '' : 's'}` : ''
    }?`,
    detail: [
      `Listens on: ${all.map(socketText).join(', ')}`,
      `Command: ${cleanText(o.command, { max: 200 })}`,
      `Executable: ${cleanText(o.exe ?? 'unknown', { max: 300 })}`,
      `User: ${cleanText(o.user ?? 'unknown', { max: 64 })}`,
      `Running for: ${uptime}`,
      mode === 'force'
        ? 'Force kill does not let the process clean up.'
        : 'The process is asked to stop; Harbormaster checks that the port is freed.',
    ].join('\n'),
    buttons: ['Cancel', verb],
  });
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
