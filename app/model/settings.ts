/** A port the user pinned: it stays at the top of the list, and shows as "down" when nothing listens. */
export interface Pin {
  readonly port: number;
  /** What the user calls it ("Storefront API"); null for none. Untrusted text: cleaned where shown. */
  readonly label: string | null;
}

/** User settings shared by every face (persisted by main/ in Electron, kept in memory by serve). */
export interface Settings {
  /** Poll interval while someone is looking, ms (500–60000). */
  readonly pollIntervalMs: number;
  /** Show processes of other users (including root). */
  readonly showOtherUsers: boolean;
  /** Show system services (well-known ports owned by system daemons). */
  readonly showSystem: boolean;
  /** Ask before killing. */
  readonly confirmBeforeKill: boolean;
  /** The tray menu may skip confirmation for the user's own dev processes. */
  readonly trayKillWithoutConfirmForOwnDev: boolean;
  /** Ports whose going down / coming back is notified. */
  readonly watchedPorts: readonly number[];
  /** Project names whose listeners are watched. */
  readonly watchedProjects: readonly string[];
  /** Notify when a new listener appears. */
  readonly notifyNewListeners: boolean;
  readonly launchAtLogin: boolean;
  readonly theme: 'system' | 'light' | 'dark';
  /** Probe health automatically (polite tiers), or only on request. */
  readonly autoProbe: boolean;
  /** Pinned ports with their labels, in the order the user pinned them. */
  readonly pins: readonly Pin[];
  /**
   * ssh hosts the user added beyond ~/.ssh/config (issue 15): aliases or `user@host`, each checked
   * by the strict alias rule (app/remote/alias.ts) before it is stored or reaches ssh.
   */
  readonly hosts: readonly string[];
  /** Hosts polled (15 s) and shown in the tray even while their window section is collapsed. */
  readonly pinnedHosts: readonly string[];
}

/** Defaults used when a setting is missing or invalid. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  pollIntervalMs: 2000,
  showOtherUsers: false,
  showSystem: false,
  confirmBeforeKill: true,
  trayKillWithoutConfirmForOwnDev: false,
  watchedPorts: [],
  watchedProjects: [],
  notifyNewListeners: false,
  launchAtLogin: false,
  theme: 'system',
  autoProbe: true,
  pins: [],
  hosts: [],
  pinnedHosts: [],
});
