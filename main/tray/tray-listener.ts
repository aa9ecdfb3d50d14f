// One listener's menu entry: its name, its one-line label and its submenu of actions.
import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { unknownOwnerWords } from '../../app/model/unknown-owner-words.js';
import { displayNameOf } from '../../app/model/display-name.js';
import { isWatched } from '../notifications/watched.js';
import { containerLabel, containerOwnership } from './tray-container.js';
import { menuText, type TrayAction, type TrayMenuItem } from './tray-item.js';

/**
 * What a listener is called in the menu: the same name as the window's row
 * (app/model/display-name.ts: project and script, else the script, else the page title), with the
 * process name second, so five "node" entries can be told apart; a container's port by its
 * container (issue 10).
 */
export function trayName(listener: Listener, viewer: Viewer | null): string {
  const owner = listener.owner;
  // An unreadable owner is worded for who runs the tray, as every face does: root is never told
  // to get admin rights (app/model/unknown-owner-words.ts).
  if (owner.kind !== 'process') return unknownOwnerWords(owner, viewer).short;
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
  viewer: Viewer | null,
  pinLabel: string | null = null,
): string {
  const mark = healthMark(listener);
  const star = isWatched(listener, settings) ? '★ ' : '';
  const proto = listener.protocol === 'udp' ? ' udp' : '';
  const name = trayName(listener, viewer);
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

/** A listener's submenu: what it is, then Open, Copy URL, Kill or container actions, Details. */
export function listenerSubmenu(listener: Listener, viewer: Viewer | null): TrayMenuItem[] {
  const owner = listener.owner;
  const killable = owner.kind === 'process' && owner.pid > 1;
  const where = listener.family === 6 ? `[${listener.address}]` : listener.address;
  const who =
    owner.kind === 'process'
      ? `pid ${owner.pid}${owner.user ? ` · ${menuText(owner.user, 24)}` : ''}`
      : menuText(unknownOwnerWords(owner, viewer).detail);
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
