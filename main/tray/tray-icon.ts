import type { Settings } from '../../app/model/settings.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { cleanTooltip } from '../clean-output.js';
import { watchedTargets } from '../notifications/watched.js';
import { foldDuplicates, groupOf, type TrayGroup } from './tray-menu.js';

/** What the tray icon shows: normal, or alert while a watched port or project is down. */
export interface TrayIconState {
  readonly alert: boolean;
}

/** True while any watched port or project has no listener in the (non-null) snapshot. */
export function hasWatchedDown(snapshot: Snapshot | null, settings: Settings): boolean {
  return snapshot !== null && watchedTargets(snapshot, settings).some((t) => !t.up);
}

/**
 * The tray image for a platform, relative to the assets folder. macOS gets `…Template.png`
 * (black + alpha; the OS tints it for light/dark menu bars, and `@2x` is picked up automatically:
 * https://www.electronjs.org/docs/latest/api/native-image#template-image-macos), Windows an ICO
 * with several sizes for every DPI, Linux a PNG (with an `@2x` sibling).
 */
export function trayIconFor(state: TrayIconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return state.alert ? 'tray/trayAlertTemplate.png' : 'tray/trayTemplate.png';
  if (platform === 'win32') return state.alert ? 'tray/tray-alert.ico' : 'tray/tray.ico';
  return state.alert ? 'tray/tray-alert.png' : 'tray/tray.png';
}

/** Windows truncates tray tooltips at 127 characters (NOTIFYICONDATA.szTip is 128 wide chars). */
export const MAX_TOOLTIP = 127;

/** The tray tooltip: counts by group, watched ports that are down, paused or failed state. */
export function trayTooltip(snapshot: Snapshot | null, settings: Settings, paused: boolean): string {
  const lines = ['Harbormaster'];
  if (snapshot === null) lines.push('Scanning…');
  else {
    const counts: Record<TrayGroup, number> = { dev: 0, database: 0, other: 0 };
    const folded = foldDuplicates(snapshot.listeners);
    for (const l of folded) counts[groupOf(l)] += 1;
    lines.push(
      `${folded.length} listening: ${counts.dev} dev, ${counts.database} db, ${counts.other} other` +
        (snapshot.status === 'failed' ? ' (last scan failed)' : ''),
    );
    const down = watchedTargets(snapshot, settings).filter((t) => !t.up);
    if (down.length > 0) lines.push(`Down: ${down.map((t) => t.label).join(', ')}`);
  }
  if (paused) lines.push('Paused');
  return cleanTooltip(lines.join('\n'), MAX_TOOLTIP);
}
