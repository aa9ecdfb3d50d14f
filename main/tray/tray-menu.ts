import { hostsMenu, type TrayHosts } from './tray-hosts.js';
import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import { hiddenByScope, scopeOf } from '../../app/model/scope.js';
import type { Snapshot, Viewer } from '../../app/model/snapshot.js';
import { pinnedPorts, pinTitle } from '../../app/model/pins.js';
import { cleanMenu } from '../clean-output.js';
import { projectOf, watchedTargets } from '../notifications/watched.js';
import { menuText, type TrayMenuItem } from './tray-item.js';
import { waitingKillsMenu, type WaitingKill } from './tray-kills.js';
import { listenerLabel, listenerSubmenu } from './tray-listener.js';

/** Everything the tray shows, as data. */
export interface TrayState {
  readonly snapshot: Snapshot | null;
  readonly paused: boolean;
  readonly settings: Settings;
  /** The uid of the user running the app (null on Windows): their own listeners come first. */
  readonly currentUid: number | null;
  readonly platform: NodeJS.Platform;
  /** Pinned or opened ssh hosts and the forwards (tray-hosts.ts); absent: no Hosts section. */
  readonly hosts?: TrayHosts | null;
  /** Kills the tray started that still wait for their answer: each gets a "Cancel kill" item. */
  readonly killsWaiting?: readonly WaitingKill[];
}

/** The tray's three groups, in menu order. */
export type TrayGroup = 'dev' | 'database' | 'other';

/** Menu heading of each group. */
export const GROUP_LABELS: Readonly<Record<TrayGroup, string>> = {
  dev: 'Dev servers',
  database: 'Databases',
  other: 'Other',
};

/** At most this many listeners per group in the menu; the rest are one "…and N more" item. */
export const MAX_PER_GROUP = 10;

/**
 * Sorts a listener into a tray group: databases by known service, dev servers by project, web
 * service or a URL to open, the rest "other".
 */
export function groupOf(listener: Listener): TrayGroup {
  if (listener.service?.category === 'database') return 'database';
  if (projectOf(listener) !== null || listener.url !== null || listener.service?.category === 'web')
    return 'dev';
  return 'other';
}

/** True when the listener's owner is the user running the app. */
export function isOwn(listener: Listener, currentUid: number | null): boolean {
  return currentUid !== null && listener.owner.uid === currentUid;
}

/**
 * Whether the settings let the tray show this listener (other users' and system processes): the
 * same rule as the window's list (app/model/scope.ts), so both hide the same rows.
 */
export function isShown(listener: Listener, settings: Settings, viewer: Viewer | null): boolean {
  return !hiddenByScope(scopeOf(listener, viewer), settings);
}

/** Who the tray runs as: the core's word (snapshot.viewer), else this process's uid. */
export function trayViewer(state: Pick<TrayState, 'snapshot' | 'currentUid'>): Viewer {
  return state.snapshot?.viewer ?? { uid: state.currentUid, user: null };
}

/**
 * Folds the IPv4 and IPv6 sockets of one process on one port (e.g. a dev server on 127.0.0.1 and
 * ::1) into one menu entry, preferring the socket that has a URL, then loopback.
 */
export function foldDuplicates(listeners: readonly Listener[]): Listener[] {
  const byKey = new Map<string, Listener>();
  for (const l of listeners) {
    const key = `${l.protocol}/${l.port}/${l.owner.pid ?? `?${l.id}`}`;
    const seen = byKey.get(key);
    if (!seen || rank(l) > rank(seen)) byKey.set(key, l);
  }
  return [...byKey.values()];
}

function rank(l: Listener): number {
  return (l.url !== null ? 2 : 0) + (l.exposure === 'loopback' ? 1 : 0);
}

/** The "Pinned" section: each pin's listener (its label first) or a disabled "down" line. */
export function pinnedMenu(
  settings: Settings,
  listeners: readonly Listener[],
  viewer: Viewer | null,
): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  for (const { pin, listeners: here } of pinnedPorts(settings.pins, foldDuplicates(listeners))) {
    const title = menuText(pinTitle(pin));
    if (here.length === 0) {
      items.push({ label: `○ ${title} — down`, enabled: false });
      continue;
    }
    for (const l of here) {
      const label = listenerLabel(l, settings, viewer, pin.label === null ? null : menuText(pin.label));
      items.push({ type: 'submenu', label, submenu: listenerSubmenu(l, viewer) });
    }
  }
  return items;
}

/** A status line for the top of the menu, or null when all is well. */
export function statusLine(state: TrayState): string | null {
  const s = state.snapshot;
  if (state.paused) return 'Scanning paused (showing the last scan)';
  if (s === null) return 'Scanning…';
  if (s.status === 'failed')
    return `Scan failed: ${menuText(s.error?.message ?? 'unknown error', 60)} (showing the last results)`;
  const note = s.notes[0];
  if (s.status === 'partial' && note) return menuText(note.message, 60);
  return null;
}

/**
 * Builds the whole tray menu from state, as plain data: status, watched ports that are down,
 * listeners grouped (dev servers / databases / other, the user's own first, then by port), each
 * with Open, Copy URL, Kill, Force kill and Details; then lookup, pause, open window and quit.
 */
export function buildTrayMenu(state: TrayState): TrayMenuItem[] {
  const menu: TrayMenuItem[] = [];
  // A kill that waits comes first: its Cancel must be found at once, before the grace period ends.
  menu.push(...waitingKillsMenu(state.killsWaiting ?? []));
  const status = statusLine(state);
  if (status !== null) menu.push({ label: status, enabled: false });
  if (state.snapshot) {
    for (const t of watchedTargets(state.snapshot, state.settings)) {
      if (!t.up) menu.push({ label: `⚠ Watched ${menuText(t.label)} is down`, enabled: false });
    }
  }
  if (menu.length > 0) menu.push({ type: 'separator' });

  const listeners = state.snapshot?.listeners ?? [];
  // Pinned ports first, in the user's order, labelled; a pin nothing listens on says "down".
  const viewer = trayViewer(state);
  const pinnedRows = pinnedMenu(state.settings, listeners, viewer);
  if (pinnedRows.length > 0)
    menu.push({ label: 'Pinned', enabled: false }, ...pinnedRows, { type: 'separator' });
  const shown = foldDuplicates(listeners.filter((l) => isShown(l, state.settings, viewer)));
  const hidden = foldDuplicates(listeners).length - shown.length;
  const groups: Record<TrayGroup, Listener[]> = { dev: [], database: [], other: [] };
  const pinnedSet = new Set(state.settings.pins.map((p) => p.port));
  for (const l of shown) if (!pinnedSet.has(l.port)) groups[groupOf(l)].push(l);
  for (const group of ['dev', 'database', 'other'] as const) {
    const items = groups[group].sort(
      (a, b) =>
        Number(isOwn(b, state.currentUid)) - Number(isOwn(a, state.currentUid)) ||
        a.port - b.port ||
        a.protocol.localeCompare(b.protocol),
    );
    if (items.length === 0) continue;
    menu.push({ label: GROUP_LABELS[group], enabled: false });
    for (const l of items.slice(0, MAX_PER_GROUP)) {
      menu.push({
        type: 'submenu',
        label: listenerLabel(l, state.settings, viewer),
        submenu: listenerSubmenu(l, viewer),
      });
    }
    if (items.length > MAX_PER_GROUP) {
      menu.push({ label: `…and ${items.length - MAX_PER_GROUP} more`, action: { type: 'show-window' } });
    }
  }
  if (state.snapshot && shown.length === 0 && state.snapshot.status !== 'failed') {
    menu.push({ label: 'Nothing is listening', enabled: false });
  }
  if (hidden > 0) {
    menu.push({ label: `${hidden} hidden by settings (other users, system)`, enabled: false });
  }

  menu.push({ type: 'separator' }, ...hostsMenu(state.hosts ?? null));
  menu.push(
    { label: 'Who holds port…', action: { type: 'lookup' } },
    // The lookup takes a pasted URL or host:port too, and says why it cannot be reached (issue 13).
    { label: 'Why can’t I connect…', action: { type: 'lookup' } },
    state.paused
      ? { label: 'Resume scanning', action: { type: 'set-paused', paused: false } }
      : { label: 'Pause scanning', action: { type: 'set-paused', paused: true } },
    { label: 'Open Harbormaster', action: { type: 'show-window' } },
    { type: 'separator' },
    { label: 'Quit Harbormaster', action: { type: 'quit' } },
  );
  return cleanMenu(menu);
}
