import { elevatedKillCommand, platformOfSource } from '../../app/model/commands.js';
import type { Listener } from '../../app/model/listener.js';
import type { BackendId, Viewer } from '../../app/model/snapshot.js';
import { viewerIsRoot } from '../../app/model/unknown-owner-words.js';
import { containerOf } from '../format/container.js';
import { describeOwner } from '../format/describe.js';

/**
 * What "Kill" can do for a listener, decided in one place for the button, the row's hover action,
 * Ctrl+K and Delete (issue 16 item 2: the shortcuts used to bypass a disabled button):
 * - `kill`: Harbormaster runs the safe pipeline;
 * - `elevate`: only an administrator can stop it (its owner is hidden, or another user's while
 *   Harbormaster is not root): one message and the exact command to copy, nothing is signalled;
 * - `none`: nothing to do (no pid to name, or the listener is gone), and why.
 */
export type KillAbility =
  | { readonly kind: 'kill' }
  | { readonly kind: 'elevate'; readonly reason: string; readonly command: string }
  | { readonly kind: 'none'; readonly reason: string };

/** The facts the decision rests on, from the snapshot the listener came from. */
export interface KillContext {
  readonly viewer: Viewer | null;
  readonly source: BackendId;
  /** The row is a fading ghost: its listener is no longer in the scan. */
  readonly gone: boolean;
}

/** Decides {@link KillAbility}; pure. */
export function killAbility(l: Listener, ctx: KillContext): KillAbility {
  const o = l.owner;
  if (ctx.gone) return { kind: 'none', reason: `Port ${l.port} is no longer listening.` };
  const platform = platformOfSource(ctx.source);
  if (o.kind === 'unknown') {
    if (o.pid === null) {
      return {
        kind: 'none',
        reason: `Nothing to kill from here: the owner of port ${l.port} is not visible to Harbormaster, not even its pid.`,
      };
    }
    // Root is never told to get admin: it could not read the process even as root (confined, or
    // non-dumpable), so Harbormaster cannot check who it is; the user may still signal it.
    if (viewerIsRoot(ctx.viewer)) {
      return {
        kind: 'elevate',
        reason: `Harbormaster could not read who owns port ${l.port} (pid ${o.pid}), even as root, so it cannot check the process and does not signal it. To stop it anyway, run this in a terminal.`,
        command: elevatedKillCommand(o.pid, 'graceful', platform, true),
      };
    }
    return {
      kind: 'elevate',
      reason: `Harbormaster cannot see who owns port ${l.port} (pid ${o.pid}), so it does not signal it. Only an administrator can stop it: run this in a terminal${platform === 'win32' ? ' opened as administrator' : ''}.`,
      command: elevatedKillCommand(o.pid, 'graceful', platform),
    };
  }
  // A container's port is freed through the engine, which a non-root user in its group may use.
  if (containerOf(o) !== null) return { kind: 'kill' };
  const viewer = ctx.viewer;
  if (viewer !== null && viewer.uid !== null && viewer.uid !== 0 && o.uid !== null && o.uid !== viewer.uid) {
    const owner = describeOwner(o, viewer);
    return {
      kind: 'elevate',
      reason: `${owner.name} (pid ${o.pid}) belongs to ${owner.user ?? `uid ${o.uid}`}, not to you, so Harbormaster does not signal it. Only an administrator can stop it: run this in a terminal.`,
      command: elevatedKillCommand(o.pid, 'graceful', platform),
    };
  }
  return { kind: 'kill' };
}
