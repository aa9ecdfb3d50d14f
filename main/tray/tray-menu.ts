import type { KillMode } from '../../app/model/actions.js';
import { hostsMenu, type TrayHosts } from './tray-hosts.js';
import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import { hiddenByScope, scopeOf } from '../../app/model/scope.js';
import type { Snapshot, Viewer } from '../../app/model/snapshot.js';
import { cleanText } from '../../app/model/clean-text.js';
import { displayNameOf } from '../../app/model/display-name.js';
import { pinnedPorts, pinTitle } from '../../app/model/pins.js';
import { cleanMenu } from '../clean-output.js';
import { isWatched, projectOf, watchedTargets } from '../notifications/watched.js';
import { containerLabel, containerOwnership } from './tray-container.js';

/**
 * A named intent a menu item dispatches. The builder stays plain data (no Electron, no closures);
 * the tray controller maps each intent to a call on the core or the window.
 */
export type TrayAction =
  | { readonly type: 'open'; readonly listenerId: string }
  | { readonly type: 'copy-url'; readonly listenerId: string }
  | {
      readonly type: 'kill';
      readonly listenerId: string;
      readonly pid: number;
      readonly startToken: string;
      readonly mode: KillMode;
    }
  /** Stop or restart the container behind a docker-proxy/dockerd-held port (issue 10). */
  | {
      readonly type: 'container';
      readonly listenerId: string;
      readonly containerId: string;
      readonly action: 'stop' | 'restart';
    }
  | { readonly type: 'details'; readonly listenerId: string }
  | { readonly type: 'lookup' }
  | { readonly type: 'set-paused'; readonly paused: boolean }
  | { readonly type: 'show-window' }
  /** Forward a remote TCP port (or reuse its forward) and open the local URL (issue 15). */
  | { readonly type: 'remote-open'; readonly alias: string; readonly port: number }
  | { readonly type: 'close-forward'; readonly id: number | 'all' }
  | { readonly type: 'quit' };

/** A `MenuItemConstructorOptions`-shaped item with an intent instead of a click handler. */
export interface TrayMenuItem {
  readonly type?: 'normal' | 'separator' | 'submenu';
  readonly label?: string;
  readonly enabled?: boolean;
  readonly toolTip?: string;
  readonly action?: TrayAction;
  readonly submenu?: readonly TrayMenuItem[];
}

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
const MAX_LABEL = 48;

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

/**
 * Cleans an untrusted string (process names, projects) for a menu label, a notification or a
 * dialog with the one shared `cleanText`: one line, capped. It does not escape `&`: only menu
 * labels need that, and toMenuTemplate does it (a notification or dialog would show `&&`).
 */
export function menuText(text: string, max = MAX_LABEL): string {
  return cleanText(text, { max, collapse: true });
}

/**
 * What a listener is called in the menu: the same name as the window's row
 * (app/model/display-name.ts: project and script, else the script, else the page title), with the
 * process name second, so five "node" entries can be told apart; a container's port by its
 * container (issue 10).
 */
export function trayName(listener: Listener): string {
  const owner = listener.owner;
  if (owner.kind !== 'process')
    return owner.reason === 'permission' ? 'owner hidden (needs admin)' : 'owner unknown';
  const ctr = containerOwnership(listener);
  if (ctr.kind === 'known') return containerLabel(ctr.info);
  const d = displayNameOf(listener);
  if (d === null) return owner.name;
  return d.secondary !== null ? `${d.primary} (${d.secondary})` : d.primary;
}

/**
 * The one-line label of a listener: health mark, watched star, port, then the pin's label (when
 * the user gave one) and the listener's name.
 */
export function listenerLabel(
  listener: Listener,
  settings: Settings,
  pinLabel: string | null = null,
): string {
  const mark = healthMark(listener);
  const star = isWatched(listener, settings) ? '★ ' : '';
  const proto = listener.protocol === 'udp' ? ' udp' : '';
  const name = trayName(listener);
  const tail = pinLabel === null ? name : `${pinLabel} · ${name}`;
  return `${mark} ${star}:${listener.port}${proto}  ${menuText(tail)}`;
}

function healthMark(listener: Listener): string {
  switch (listener.health.state) {
    case 'up':
      return '●';
    case 'refused':
    case 'timeout':
    case 'error':
      return '⚠';
    default:
      return '○';
  }
}

function listenerSubmenu(listener: Listener): TrayMenuItem[] {
  const owner = listener.owner;
  const killable = owner.kind === 'process' && owner.pid > 1;
  const where = listener.family === 6 ? `[${listener.address}]` : listener.address;
  const who =
    owner.kind === 'process'
      ? `pid ${owner.pid}${owner.user ? ` · ${menuText(owner.user, 24)}` : ''}`
      : menuText(owner.message);
  const items: TrayMenuItem[] = [
    { label: `${listener.protocol.toUpperCase()} ${where}:${listener.port} · ${who}`, enabled: false },
    { type: 'separator' },
    {
      label: 'Open in browser',
      enabled: listener.url !== null,
      action: { type: 'open', listenerId: listener.id },
    },
    {
      label: 'Copy URL',
      enabled: listener.url !== null,
      action: { type: 'copy-url', listenerId: listener.id },
    },
    { type: 'separator' },
  ];
  const ctr = containerOwnership(listener);
  if (ctr.kind === 'known') {
    // The container is the owner: stop or restart it through Docker; no signal is offered.
    const name = menuText(ctr.info.name, 40);
    const act = (action: 'stop' | 'restart'): TrayAction => ({
      type: 'container',
      listenerId: listener.id,
      containerId: ctr.info.id,
      action,
    });
    items.push(
      { label: `Stop container ${name}`, action: act('stop') },
      { label: `Restart container ${name}`, action: act('restart') },
    );
  } else if (ctr.kind === 'unknown') {
    items.push({
      label: ctr.denied
        ? 'Stop container (needs access to the Docker socket)'
        : `Stop container (${menuText(ctr.holder, 24)} forwards to a container Docker did not name)`,
      enabled: false,
      toolTip: `Harbormaster never signals ${ctr.holder}: that breaks the port mapping (or stops every container). Open Details for what to do.`,
    });
  } else if (owner.kind === 'process' && killable) {
    items.push(
      {
        label: 'Kill (graceful)',
        action: {
          type: 'kill',
          listenerId: listener.id,
          pid: owner.pid,
          startToken: owner.startToken,
          mode: 'graceful',
        },
      },
      {
        label: 'Force kill',
        action: {
          type: 'kill',
          listenerId: listener.id,
          pid: owner.pid,
          startToken: owner.startToken,
          mode: 'force',
        },
      },
    );
  } else {
    items.push({ label: 'Kill (graceful)', enabled: false }, { label: 'Force kill', enabled: false });
  }
  items.push(
    { type: 'separator' },
    { label: 'Details…', action: { type: 'details', listenerId: listener.id } },
  );
  return items;
}

/** The "Pinned" section: each pin's listener (its label first) or a disabled "down" line. */
export function pinnedMenu(settings: Settings, listeners: readonly Listener[]): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  for (const { pin, listeners: here } of pinnedPorts(settings.pins, foldDuplicates(listeners))) {
    const title = menuText(pinTitle(pin));
    if (here.length === 0) {
      items.push({ label: `○ ${title} — down`, enabled: false });
      continue;
    }
    for (const l of here) {
      const label = listenerLabel(l, settings, pin.label === null ? null : menuText(pin.label));
      items.push({ type: 'submenu', label, submenu: listenerSubmenu(l) });
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
  const pinnedRows = pinnedMenu(state.settings, listeners);
  if (pinnedRows.length > 0)
    menu.push({ label: 'Pinned', enabled: false }, ...pinnedRows, { type: 'separator' });
  const viewer = trayViewer(state);
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
        label: listenerLabel(l, state.settings),
        submenu: listenerSubmenu(l),
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
