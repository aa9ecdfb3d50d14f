import { statSync } from 'node:fs';
import type { ContainerInfo, ContainerSection, EngineAccess } from '../model/container.js';
import {
  createEngineClient,
  engineSocketCandidates,
  type EngineClient,
  type EngineFailure,
} from './engine-client.js';
import { parseInspect } from './inspect.js';
import { readInsideSockets, type InsideSocket } from './netns.js';
import { findDockerProxies, type ProxyProcess } from './proxy-procs.js';

/** Options for {@link createContainerCatalog}. */
export interface CatalogOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Use exactly this socket (tests, `DOCKER_HOST`). */
  readonly socketPath?: string;
  /** Reads the listening sockets in a container's namespace (default: `/proc/<pid>/net/*`). */
  readonly readInside?: (pid: number) => InsideSocket[] | null;
  /** Lists docker-proxy processes from /proc (default {@link findDockerProxies}). */
  readonly findProxies?: () => ProxyProcess[];
  /** Re-read interval when no `/events` stream is open, ms (default 5000). */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** The Engine API's view of running containers, kept fresh by `/events`. */
export interface ContainerCatalog {
  /** Re-reads the API if an event (or the TTL) says something changed; cheap otherwise. */
  refresh(): Promise<void>;
  /** The last state read; `inside` sockets are the last ones read too. */
  current(): ContainerSection & {
    readonly inside: ReadonlyMap<string, InsideSocket[] | null>;
    /** docker-proxy processes read from /proc, only while the Engine API is denied. */
    readonly proxies: readonly ProxyProcess[];
  };
  /** Forces the next refresh to re-read (after our own stop/restart). */
  invalidate(): void;
  readonly client: EngineClient | null;
  dispose(): void;
}

/** What to tell the user when the Engine API cannot be read. */
export function accessMessage(f: EngineFailure): { access: EngineAccess; message: string } {
  if (f.kind === 'denied') {
    return {
      access: 'denied',
      message: `Harbormaster cannot read ${f.socketPath}, so it cannot tell which container this is. Add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or run Harbormaster with access to the Docker socket; it never elevates by itself.`,
    };
  }
  if (f.kind === 'no-socket')
    return { access: 'no-socket', message: `No container engine socket at ${f.socketPath}.` };
  const detail = f.kind === 'http' ? `${f.status} ${f.message}` : f.detail;
  return { access: 'unreachable', message: `The container engine did not answer (${detail}).` };
}

const RELEVANT = new Set([
  'start',
  'restart',
  'die',
  'stop',
  'kill',
  'destroy',
  'rename',
  'pause',
  'unpause',
  'update',
  'connect',
  'disconnect',
]);

/** The path exists, or exists behind a folder this user may not read (EACCES: still worth naming). */
function present(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EACCES';
  }
}

/** Creates the catalog. Nothing is read until the first {@link ContainerCatalog.refresh}. */
export function createContainerCatalog(options: CatalogOptions = {}): ContainerCatalog {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 5000;
  const readInside = options.readInside ?? readInsideSockets;
  const socketPath =
    options.socketPath ?? engineSocketCandidates(options.env ?? process.env).find(present) ?? null;
  const client = socketPath ? createEngineClient(socketPath) : null;
  let section: ContainerSection = {
    access: 'no-socket',
    socketPath,
    message: socketPath ? null : 'No container engine socket found.',
    containers: [],
  };
  let inside = new Map<string, InsideSocket[] | null>();
  let proxies: ProxyProcess[] = [];
  let proxiesAt = -Infinity;
  const findProxies = options.findProxies ?? (() => findDockerProxies());
  const byId = new Map<string, ContainerInfo>();
  let dirty = true;
  const dirtyIds = new Set<string>();
  let readAt = -Infinity;
  let insideAt = -Infinity;
  let closeEvents: (() => void) | null = null;
  let disposed = false;
  let inFlight: Promise<void> | null = null;

  const watch = (): void => {
    if (!client || closeEvents || disposed) return;
    closeEvents = client.watchEvents(
      (e) => {
        if (e.Type !== 'container' && e.Type !== undefined) return;
        const action = (e.Action ?? '').split(':')[0] ?? '';
        if (!RELEVANT.has(action) && !action.startsWith('health_status')) return;
        dirty = true;
        if (e.Actor?.ID) dirtyIds.add(e.Actor.ID);
      },
      () => {
        closeEvents = null;
        dirty = true;
      },
    );
  };

  const read = async (): Promise<void> => {
    if (!client) return;
    // Subscribe before reading, so a change during the read is not missed.
    watch();
    const list = await client.getJson<unknown[]>('/containers/json');
    if (!list.ok) {
      const { access, message } = accessMessage(list.failure);
      section = { access, socketPath, message, containers: [] };
      byId.clear();
      return;
    }
    dirty = false;
    readAt = now();
    const ids = list.value
      .map((c) => (typeof c === 'object' && c !== null ? (c as { Id?: unknown }).Id : undefined))
      .filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{12,64}$/i.test(id));
    const present = new Set(ids);
    for (const id of byId.keys()) if (!present.has(id)) byId.delete(id);
    const stale = ids.filter((id) => !byId.has(id) || dirtyIds.has(id));
    dirtyIds.clear();
    // A few at a time: the daemon serialises much of this anyway.
    for (let i = 0; i < stale.length; i += 8) {
      const batch = await Promise.all(
        stale.slice(i, i + 8).map((id) => client.getJson<unknown>(`/containers/${id}/json`)),
      );
      for (const r of batch) {
        const info = r.ok ? parseInspect(r.value) : null;
        if (info) byId.set(info.id, info);
      }
    }
    section = {
      access: 'ok',
      socketPath,
      message: null,
      containers: ids.flatMap((id) => byId.get(id) ?? []),
    };
    insideAt = -Infinity;
  };

  return {
    client,
    async refresh() {
      if (!client || disposed) return;
      const due = dirty || (closeEvents === null ? now() - readAt > ttlMs : now() - readAt > 60_000);
      if (due) {
        inFlight ??= read().finally(() => {
          inFlight = null;
        });
        await inFlight;
      }
      // Namespace sockets change without Engine events (the app inside binds later): re-read on
      // the TTL, not every scan, so 50 containers stay cheap.
      if (section.access === 'ok' && now() - insideAt > ttlMs) {
        insideAt = now();
        const next = new Map<string, InsideSocket[] | null>();
        for (const c of section.containers) next.set(c.id, c.pid === null ? null : readInside(c.pid));
        inside = next;
      }
      if (section.access === 'denied' && now() - proxiesAt > ttlMs) {
        proxiesAt = now();
        proxies = findProxies();
      } else if (section.access !== 'denied') {
        proxies = [];
      }
    },
    current: () => ({ ...section, inside, proxies }),
    invalidate() {
      dirty = true;
      insideAt = -Infinity;
    },
    dispose() {
      disposed = true;
      closeEvents?.();
      closeEvents = null;
    },
  };
}
