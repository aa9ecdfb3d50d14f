// A tray menu item as plain data, and the one cleaner of untrusted text in its labels: shared by
// the menu (tray-menu.ts), a listener's entry (tray-listener.ts) and the Hosts section (tray-hosts.ts).
import type { KillMode } from '../../app/model/actions.js';
import { cleanText } from '../../app/model/clean-text.js';

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
  /** Stop waiting for a kill the tray started (`cancelKill`): nothing more is sent to it. */
  | { readonly type: 'cancel-kill'; readonly killId: string }
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
  /** Kill a remote holder, after a confirmation: the identity the menu showed (issue 15). */
  | {
      readonly type: 'remote-kill';
      readonly alias: string;
      readonly port: number;
      readonly pid: number;
      readonly startTicks: string;
      readonly inode: string;
    }
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

const MAX_LABEL = 48;

/**
 * Cleans an untrusted string (process names, projects) for a menu label, a notification or a
 * dialog with the one shared `cleanText`: one line, capped. It does not escape `&`: only menu
 * labels need that, and toMenuTemplate does it (a notification or dialog would show `&&`).
 */
export function menuText(text: string, max = MAX_LABEL): string {
  return cleanText(text, { max, collapse: true });
}
