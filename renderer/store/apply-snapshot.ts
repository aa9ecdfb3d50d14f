// The store's reducer for the core's pushes: a new snapshot in (seq order, stable rows, ghosts,
// highlights, health history), and transients out when their time is up.
import type { Health } from '../../app/model/health.js';
import type { Listener } from '../../app/model/listener.js';
import { sameData, sameListener } from '../../app/model/same-listener.js';
import type { Snapshot, Viewer } from '../../app/model/snapshot.js';
import { HEALTH_HISTORY, incarnationKey, TRANSIENT_MS, type AppState } from './app-store.js';
import { guessCurrentUser } from './current-user.js';

function healthKey(h: Health): string {
  return 'checkedAt' in h ? `${h.state}:${h.checkedAt}` : h.state;
}

function sameViewer(a: Viewer | null, b: Viewer | null): boolean {
  return a === b || (a !== null && b !== null && a.uid === b.uid && a.user === b.user);
}

/**
 * Applies a snapshot to the state, or returns null when it is not newer than the one shown (an
 * out-of-order push). Seq only grows: a core restart is hidden by main's core client, the one
 * place restarts are handled (a restarted `serve` has a new token, so no tab reconnects to it).
 * Unchanged listeners keep their previous object so memoized rows skip rendering.
 */
export function applySnapshot(state: AppState, snapshot: Snapshot, now: number): Partial<AppState> | null {
  const prev = state.snapshot;
  if (prev !== null && snapshot.seq <= prev.seq) return null;
  const first = prev === null;
  const byId = new Map<string, Listener>();
  const listeners: Listener[] = [];
  let fresh: Map<string, number> | null = null;
  let history: Map<string, readonly Health[]> | null = null;
  for (const next of snapshot.listeners) {
    const old = state.byId.get(next.id);
    // After a kill the scan may list the socket a moment longer with no readable owner: that is
    // the killed listener fading, not "owner unknown · needs admin" (issue 16 item 4).
    if (
      old !== undefined &&
      next.owner.kind === 'unknown' &&
      old.owner.kind === 'process' &&
      state.killed.has(incarnationKey(old.owner.pid, old.owner.startToken))
    ) {
      continue;
    }
    let kept = next;
    if (old !== undefined && sameListener(old, next)) kept = old;
    else {
      if (old === undefined && !first) (fresh ??= new Map(state.fresh)).set(next.id, now + TRANSIENT_MS);
      if (old === undefined || !sameData(old.health, next.health)) {
        const h = next.health;
        if (h.state !== 'checking' && h.state !== 'unknown') {
          history ??= new Map(state.healthHistory);
          const list = history.get(next.id) ?? [];
          const last = list[list.length - 1];
          if (last === undefined || healthKey(last) !== healthKey(h)) {
            history.set(next.id, [...list, h].slice(-HEALTH_HISTORY));
          }
        }
      }
    }
    byId.set(kept.id, kept);
    listeners.push(kept);
  }
  let ghosts: Map<string, { listener: Listener; until: number }> | null = null;
  if (!first) {
    for (const old of state.listeners) {
      if (!byId.has(old.id))
        (ghosts ??= new Map(state.ghosts)).set(old.id, { listener: old, until: now + TRANSIENT_MS });
    }
    for (const id of state.ghosts.keys()) {
      if (byId.has(id)) (ghosts ??= new Map(state.ghosts)).delete(id);
    }
  }
  const patch: { -readonly [K in keyof AppState]?: AppState[K] } = {
    phase: 'ready',
    loadError: null,
    snapshot,
    listeners,
    byId,
    viewer: sameViewer(state.viewer, snapshot.viewer ?? null) ? state.viewer : (snapshot.viewer ?? null),
    // The core says who it runs as; the guess is only for cores that do not.
    currentUser: state.currentUserChosen
      ? state.currentUser
      : (snapshot.viewer?.user ?? guessCurrentUser(listeners)),
  };
  if (fresh) patch.fresh = fresh;
  if (ghosts) patch.ghosts = ghosts;
  if (history) patch.healthHistory = history;
  if (state.kill && state.kill.phase === 'confirm') {
    const current = byId.get(state.kill.listener.id);
    if (current) patch.kill = { ...state.kill, listener: current };
  }
  return patch;
}

/** Drops highlights and ghosts whose time is up; null when nothing expired. */
export function expireTransients(state: AppState, now: number): Partial<AppState> | null {
  let fresh: Map<string, number> | null = null;
  for (const [id, until] of state.fresh) if (until <= now) (fresh ??= new Map(state.fresh)).delete(id);
  let ghosts: Map<string, { listener: Listener; until: number }> | null = null;
  for (const [id, g] of state.ghosts) if (g.until <= now) (ghosts ??= new Map(state.ghosts)).delete(id);
  if (!fresh && !ghosts) return null;
  const patch: { -readonly [K in keyof AppState]?: AppState[K] } = {};
  if (fresh) patch.fresh = fresh;
  if (ghosts) patch.ghosts = ghosts;
  return patch;
}
