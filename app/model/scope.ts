import type { Listener } from './listener.js';
import type { Viewer } from './snapshot.js';

/**
 * Whose a listener is, for every face (tray, window, CLI): the one rule behind "show other
 * users" and "show system". Isomorphic (no Node): the renderer imports it too.
 * - `mine`: the viewer's (when Harbormaster runs as root, root's processes are the user's own);
 * - `system`: root, service accounts (Linux uid < 1000, macOS `_name` users and uid < 500,
 *   nobody), Windows' SYSTEM / LOCAL SERVICE / NETWORK SERVICE;
 * - `other-user`: another person's account;
 * - `unknown`: no uid or user to tell by. Never hidden by a scope filter: hiding it could make a
 *   held port look free.
 */
export type Scope = 'mine' | 'other-user' | 'system' | 'unknown';

/** The two "show" switches of the settings. */
export interface ScopeFilter {
  readonly showOtherUsers: boolean;
  readonly showSystem: boolean;
}

// The Linux nobody user; macOS's is -2 (4294967294 as unsigned).
const NOBODY_UIDS = new Set([65534, 4294967294, -2]);
const WINDOWS_SERVICE_ACCOUNT =
  /^((nt authority|nt service|window manager|font driver host)\\.*|system|local service|network service)$/i;

/** Windows user names may carry a domain (`HOST\alice`) and are case-insensitive. */
function sameUser(a: string | null, b: string | null): boolean {
  if (a === null || b === null || a === '' || b === '') return false;
  if (a === b) return true;
  if (!a.includes('\\') && !b.includes('\\')) return false;
  const base = (s: string) => s.slice(s.lastIndexOf('\\') + 1).toLowerCase();
  return base(a) === base(b);
}

/**
 * Below this uid an account is a system account: 1000 on Linux (Debian/Fedora UID_MIN), 500 when
 * the viewer's own uid says macOS-style numbering (first user 501).
 */
function systemUidLimit(viewer: Viewer | null): number {
  const v = viewer?.uid ?? null;
  return v !== null && v >= 500 && v < 1000 ? 500 : 1000;
}

/** Whose `listener` is, as seen by `viewer` (the snapshot's `viewer`; null when unknown). */
export function scopeOf(listener: Listener, viewer: Viewer | null): Scope {
  const { uid, user } = listener.owner;
  if (viewer !== null) {
    if (viewer.uid !== null && uid !== null) {
      if (uid === viewer.uid) return 'mine';
    } else if (sameUser(viewer.user, user)) {
      return 'mine';
    }
  }
  if (uid === 0 || user === 'root') return 'system';
  if (uid !== null && (uid < systemUidLimit(viewer) || NOBODY_UIDS.has(uid))) return 'system';
  if (user !== null && (user.startsWith('_') || user === 'nobody' || WINDOWS_SERVICE_ACCOUNT.test(user)))
    return 'system';
  if (uid === null && user === null) return 'unknown';
  // Nobody to compare with: a named process is taken as the viewer's own (nothing is hidden).
  const known = viewer !== null && (viewer.uid !== null || (viewer.user ?? '') !== '');
  if (!known) return listener.owner.kind === 'process' ? 'mine' : 'unknown';
  return 'other-user';
}

/** Whether the settings hide a listener of this scope (the tray and the window use exactly this). */
export function hiddenByScope(scope: Scope, filter: ScopeFilter): boolean {
  return (scope === 'other-user' && !filter.showOtherUsers) || (scope === 'system' && !filter.showSystem);
}
