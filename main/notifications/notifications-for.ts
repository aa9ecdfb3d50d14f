import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import type { Snapshot, SnapshotDiff } from '../../app/model/snapshot.js';
import { cleanNotification } from '../clean-output.js';
import { menuText } from '../tray/tray-item.js';
import { projectOf, watchedTargets } from './watched.js';

/** Up/down per watched key (`port:3000`, `project:shop`) as of the last good scan. */
export type WatchedState = ReadonlyMap<string, boolean>;

/** One desktop notification to show; clicking it focuses `listenerId`'s row (or just opens the window). */
export interface PlannedNotification {
  readonly title: string;
  readonly body: string;
  readonly listenerId: string | null;
  /** A port to diagnose instead (a watched port went down): clicking opens "why" for it. */
  readonly why?: string;
}

/** At most this many "new listener" notifications per scan; more become one summary. */
export const MAX_NEW_LISTENER_NOTIFICATIONS = 3;

/**
 * Decides the notifications for one new snapshot: a watched port or project that goes down or
 * comes back, and (when enabled) listeners that appeared. Nothing is notified for the first
 * snapshot (everything "appears"), for a watch just added, or for a failed/stale scan (a failed
 * scan is not a port going down); the returned state is what to pass next time.
 */
export function notificationsFor(input: {
  readonly diff: SnapshotDiff;
  readonly snapshot: Snapshot;
  readonly settings: Settings;
  readonly previous: WatchedState | null;
  readonly platform: NodeJS.Platform;
}): { notifications: PlannedNotification[]; watched: WatchedState } {
  const { diff, snapshot, settings, previous } = input;
  if (snapshot.stale || snapshot.status === 'failed') {
    return { notifications: [], watched: previous ?? new Map() };
  }
  const targets = watchedTargets(snapshot, settings);
  const watched = new Map(targets.map((t) => [t.key, t.up]));
  if (previous === null) return { notifications: [], watched };

  const notifications: PlannedNotification[] = [];
  const comebacks = new Set<string>();
  for (const t of targets) {
    const before = previous.get(t.key);
    if (before === true && !t.up) {
      const gone = diff.removed.find((l) => matches(l, t.key));
      notifications.push({
        title: `${capitalise(t.label)} is down`,
        body: gone ? `${describe(gone)} stopped listening.` : 'Nothing listens there any more.',
        listenerId: gone?.id ?? null,
        // The row is gone: the click answers "why can't I connect?" for the port instead.
        ...(t.key.startsWith('port:')
          ? { why: t.key.slice('port:'.length) }
          : gone
            ? { why: String(gone.port) }
            : {}),
      });
    } else if (before === false && t.up) {
      const back = snapshot.listeners.find((l) => matches(l, t.key));
      if (back) comebacks.add(back.id);
      notifications.push({
        title: `${capitalise(t.label)} is back`,
        body: back ? `${describe(back)} is listening again.` : 'It is listening again.',
        listenerId: back?.id ?? t.listenerId,
      });
    }
  }

  if (settings.notifyNewListeners && diff.fromSeq !== 0) {
    const fresh = diff.added.filter((l) => !comebacks.has(l.id));
    if (fresh.length > MAX_NEW_LISTENER_NOTIFICATIONS) {
      notifications.push({
        title: `${fresh.length} new listeners`,
        body: fresh
          .slice(0, 5)
          .map((l) => `:${l.port}`)
          .join(', ')
          .concat(fresh.length > 5 ? ', …' : ''),
        listenerId: null,
      });
    } else {
      for (const l of fresh) {
        notifications.push({
          title: `New listener on port ${l.port}`,
          body: `${describe(l)} on ${l.address}`,
          listenerId: l.id,
        });
      }
    }
  }
  return { notifications: notifications.map(cleanNotification), watched };
}

function matches(l: Listener, key: string): boolean {
  if (key.startsWith('port:')) return `port:${l.port}` === key;
  return `project:${projectOf(l) ?? ''}` === key;
}

function describe(l: Listener): string {
  const o = l.owner;
  const name = o.kind === 'process' ? `${menuText(o.name, 40)} (pid ${o.pid})` : 'A process';
  const project = projectOf(l);
  return project !== null ? `${name} · ${menuText(project, 40)}` : name;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
