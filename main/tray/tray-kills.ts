// The tray's kills that are still waiting (SIGTERM sent, grace period running), so the menu can
// offer "Cancel kill" for each (issue 16 item 3: the tray's Force kill could not be cancelled).
import type { KillMode } from '../../app/model/actions.js';
import { menuText, type TrayMenuItem } from './tray-item.js';

/** One kill the tray asked the core for and has no answer to yet. */
export interface WaitingKill {
  /** The id the core knows this kill by: `cancelKill` with it stops the wait. */
  readonly killId: string;
  /** Who is being stopped, as the menu names it: "node (pid 4242)". Untrusted: cleaned when shown. */
  readonly who: string;
  readonly port: number;
  readonly mode: KillMode;
}

/** The waiting kills, in the order they started; `onChange` runs after each start and end. */
export interface TrayKills {
  start(kill: WaitingKill): void;
  end(killId: string): void;
  list(): readonly WaitingKill[];
}

export function createTrayKills(onChange: () => void = () => undefined): TrayKills {
  let waiting: readonly WaitingKill[] = [];
  return {
    start(kill) {
      waiting = [...waiting.filter((k) => k.killId !== kill.killId), kill];
      onChange();
    },
    end(killId) {
      const next = waiting.filter((k) => k.killId !== killId);
      if (next.length === waiting.length) return;
      waiting = next;
      onChange();
    },
    list: () => waiting,
  };
}

/**
 * The menu's top lines while kills wait: what is being stopped and a "Cancel kill" item for each.
 * A cancel sends nothing more (no SIGKILL after the grace period); the kill's report follows.
 */
export function waitingKillsMenu(kills: readonly WaitingKill[]): TrayMenuItem[] {
  return kills.map((k) => ({
    label: `Cancel kill: ${menuText(k.who)} on :${k.port}${k.mode === 'force' ? ' (force)' : ''}`,
    toolTip: 'Stops waiting: nothing more is sent (no SIGKILL). A signal already sent is not taken back.',
    action: { type: 'cancel-kill', killId: k.killId },
  }));
}
