import type { HarbormasterApi } from '../../app/contract/api.js';
import type { ForwardView, RemoteHostView, RemoteListener } from '../../app/model/remote-host.js';
import { menuText, type TrayMenuItem } from './tray-item.js';

/** What the tray knows about ssh hosts: pinned or opened hosts with their last view, and forwards. */
export interface TrayHosts {
  readonly hosts: readonly { readonly alias: string; readonly view: RemoteHostView | null }[];
  readonly forwards: readonly ForwardView[];
}

/** Remote listeners listed per host before "…and N more". */
export const MAX_REMOTE_PER_HOST = 10;

const STATE_TEXT: Readonly<Record<string, string>> = {
  connecting: 'connecting…',
  ok: 'connected',
  unreachable: 'unreachable',
  'auth-failed': 'login failed',
  'host-key-unknown': 'host key unknown',
  'host-key-changed': 'HOST KEY CHANGED',
  'unsupported-os': 'unsupported system',
  disconnected: 'disconnected, retrying',
  'refused-alias': 'alias refused',
  failed: 'failed',
};

/** One remote port: Open through a forward, or Kill its holder (confirmed first). */
function portItem(alias: string, l: RemoteListener): TrayMenuItem {
  const h = l.holder;
  const open: TrayMenuItem = { label: 'Open', action: { type: 'remote-open', alias, port: l.port } };
  if (h === null || h.uid === null)
    return {
      type: 'submenu',
      label: `${l.port} · owner hidden`,
      submenu: [open, { label: 'Kill: its process is not visible to this login', enabled: false }],
    };
  const name = menuText(h.name, 30);
  const kill = {
    type: 'remote-kill',
    alias,
    port: l.port,
    pid: h.pid,
    startTicks: h.startTicks,
    inode: l.inode,
  } as const;
  return {
    type: 'submenu',
    label: `${l.port} · ${name}`,
    submenu: [open, { label: `Kill ${name} (pid ${h.pid})…`, action: kill }],
  };
}

function hostItem(alias: string, view: RemoteHostView | null): TrayMenuItem {
  const name = menuText(alias, 40);
  const state = view?.state ?? 'connecting';
  const label = `${state === 'ok' ? '●' : '○'} ${name} — ${STATE_TEXT[state] ?? state}`;
  const sub: TrayMenuItem[] = [];
  if (view?.failure) {
    sub.push({ label: menuText(view.failure.message, 90), enabled: false });
    if (view.failure.fingerprint) sub.push({ label: menuText(view.failure.fingerprint, 90), enabled: false });
    if (view.failure.command)
      sub.push({ label: `Verify: ${menuText(view.failure.command, 60)}`, enabled: false });
  }
  const tcp = (view?.state === 'ok' ? (view.listeners ?? []) : []).filter((l) => l.protocol === 'tcp');
  const seen = new Set<number>();
  const ports = tcp.filter((l) => !seen.has(l.port) && seen.add(l.port)).sort((a, b) => a.port - b.port);
  for (const l of ports.slice(0, MAX_REMOTE_PER_HOST)) sub.push(portItem(alias, l));
  if (ports.length > MAX_REMOTE_PER_HOST)
    sub.push({ label: `…and ${ports.length - MAX_REMOTE_PER_HOST} more`, action: { type: 'show-window' } });
  if (view?.state === 'ok' && ports.length === 0) sub.push({ label: 'No TCP listeners', enabled: false });
  if (sub.length === 0) sub.push({ label: 'Connecting…', enabled: false });
  return { type: 'submenu', label, submenu: sub };
}

/**
 * The tray's Hosts section (issue 15): each pinned or opened host with its state (a failure never
 * reads as "no ports") and its TCP listeners, each to open through a forward or to kill; then the forwards, each
 * with its mapping and status, to reopen or close, and "Close all forwards". Empty when there is
 * nothing to show, so a user without remote hosts sees no new lines.
 */
export function hostsMenu(state: TrayHosts | null): TrayMenuItem[] {
  if (state === null || (state.hosts.length === 0 && state.forwards.length === 0)) return [];
  const menu: TrayMenuItem[] = [];
  if (state.hosts.length > 0) {
    menu.push({ label: 'Hosts', enabled: false });
    for (const h of state.hosts) menu.push(hostItem(h.alias, h.view));
  }
  if (state.forwards.length > 0) {
    menu.push({ label: 'Forwards', enabled: false });
    for (const f of state.forwards) {
      const status = f.status === 'ok' ? '' : ` (${f.status})`;
      menu.push({
        type: 'submenu',
        label: `${menuText(f.alias, 30)}: ${f.mapping}${status}`,
        submenu: [
          {
            label: f.url ? `Open ${f.url}` : 'Open',
            enabled: f.status === 'ok',
            action: { type: 'remote-open', alias: f.alias, port: f.remotePort },
          },
          { label: 'Close forward', action: { type: 'close-forward', id: f.id } },
        ],
      });
    }
    if (state.forwards.length > 1)
      menu.push({ label: 'Close all forwards', action: { type: 'close-forward', id: 'all' } });
  }
  menu.push({ type: 'separator' });
  return menu;
}

/**
 * Reads the tray's Hosts state through the contract: pinned or opened hosts (peeking, so the tray
 * never opens a host or changes its poll rate) and the forwards. A failing read yields null.
 */
export async function readTrayHosts(
  api: Pick<HarbormasterApi, 'listHosts' | 'getHost' | 'listForwards'>,
): Promise<TrayHosts | null> {
  try {
    const list = await api.listHosts();
    const shown = list.hosts.filter((h) => h.pinned === true || h.opened === true);
    const hosts = await Promise.all(
      shown.map(async (h) => {
        const r = await api.getHost({ alias: h.alias, peek: true });
        return { alias: h.alias, view: r.ok ? r.value : null };
      }),
    );
    return { hosts, forwards: await api.listForwards() };
  } catch {
    return null;
  }
}
