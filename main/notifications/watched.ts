import type { Listener } from '../../app/model/listener.js';
import type { Settings } from '../../app/model/settings.js';
import type { Snapshot } from '../../app/model/snapshot.js';

/** One thing the user starred: a port, or every listener of a project. */
export interface WatchedTarget {
  /** Stable key: `port:3000` or `project:shop`. */
  readonly key: string;
  /** How the user sees it: "port 3000", "project shop". */
  readonly label: string;
  /** True while at least one listener matches. */
  readonly up: boolean;
  /** A listener to focus when the user clicks a notification about it. */
  readonly listenerId: string | null;
}

/**
 * The state of every watched port and project in a snapshot. A port is up while anything listens
 * on it (any protocol, family or address); a project is up while any of its processes listens.
 */
export function watchedTargets(snapshot: Snapshot, settings: Settings): WatchedTarget[] {
  const out: WatchedTarget[] = [];
  for (const port of new Set(settings.watchedPorts)) {
    const match = snapshot.listeners.find((l) => l.port === port);
    out.push({
      key: `port:${port}`,
      label: `port ${port}`,
      up: match !== undefined,
      listenerId: match?.id ?? null,
    });
  }
  for (const project of new Set(settings.watchedProjects)) {
    const match = snapshot.listeners.find((l) => projectOf(l) === project);
    out.push({
      key: `project:${project}`,
      label: `project ${project}`,
      up: match !== undefined,
      listenerId: match?.id ?? null,
    });
  }
  return out;
}

/** The project name of a listener's owner, when known. */
export function projectOf(listener: Listener): string | null {
  return listener.owner.kind === 'process' ? (listener.owner.project?.name ?? null) : null;
}

/** True when a listener is on a watched port or belongs to a watched project. */
export function isWatched(listener: Listener, settings: Settings): boolean {
  const project = projectOf(listener);
  return (
    settings.watchedPorts.includes(listener.port) ||
    (project !== null && settings.watchedProjects.includes(project))
  );
}
