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
  /**
   * How old a container's namespace reading may get, ms (default 5 min; re-read 30 s after a
   * start to catch apps that bind late). Reading `/proc/<pid>/net/tcp` walks the kernel's whole
   * TCP hash table (~9 ms per file here), so it is never done per scan for every container.
   */
  readonly insideMaxAgeMs?: number;
  /** Namespaces re-read per refresh after the first (default 2): spreads the cost. */
  readonly insidePerRefresh?: number;
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
  const insideMaxAgeMs = options.insideMaxAgeMs ?? 300_000;
  const insidePerRefresh = options.insidePerRefresh ?? 2;
  /** Per container: when its namespace was read, and how many times since it started. */
  const insideRead = new Map<string, { at: number; count: number }>();
  let firstInside = true;
  let view: {
    section: ContainerSection;
    inside: Map<string, InsideSocket[] | null>;
    proxies: ProxyProcess[];
    value: ReturnType<ContainerCatalog['current']>;
  } | null = null;
  let proxies: ProxyProcess[] = [];
  let proxiesAt = -Infinity;
  const findProxies = options.findProxies ?? (() => findDockerProxies());
  const byId = new Map<string, ContainerInfo>();
  let dirty = true;
  const dirtyIds = new Set<string>();
  let readAt = -Infinity;
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
        if (e.Actor?.ID) {
          dirtyIds.add(e.Actor.ID);
          if (action === 'start' || action === 'restart') insideRead.delete(e.Actor.ID);
        }
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
      // Namespace sockets change without Engine events (the app inside binds later). Read each
      // container's on first sight, again 30 s later, then when it is older than insideMaxAgeMs —
      // at most insidePerRefresh per refresh after the first (a one-shot CLI reads them all).
      if (section.access === 'ok') {
        const next = new Map<string, InsideSocket[] | null>();
        const limit = firstInside ? Infinity : insidePerRefresh;
        firstInside = false;
        const due = section.containers
          .map((c) => {
            const r = insideRead.get(c.id);
            const age = r ? now() - r.at : Infinity;
            const maxAge = r && r.count < 2 ? Math.min(30_000, insideMaxAgeMs) : insideMaxAgeMs;
            return { c, age, overdue: !inside.has(c.id) || age >= maxAge };
          })
          .filter((d) => d.overdue)
          .sort((a, b) => b.age - a.age);
        const readNow = new Set(due.slice(0, Math.min(limit, due.length)).map((d) => d.c.id));
        for (const c of section.containers) {
          if (readNow.has(c.id)) {
            next.set(c.id, c.pid === null ? null : readInside(c.pid));
            insideRead.set(c.id, { at: now(), count: (insideRead.get(c.id)?.count ?? 0) + 1 });
          } else {
            next.set(c.id, inside.get(c.id) ?? null);
          }
        }
        for (const id of insideRead.keys()) if (!next.has(id)) insideRead.delete(id);
        // Keep the same Map when nothing was read and no container came or went (memoised join).
        const same =
          readNow.size === 0 && next.size === inside.size && [...next.keys()].every((id) => inside.has(id));
        if (!same) inside = next;
      }
      if (section.access === 'denied' && now() - proxiesAt > ttlMs) {
        proxiesAt = now();
        proxies = findProxies();
      } else if (section.access !== 'denied' && proxies.length > 0) {
        // Only when it changes: a fresh [] per refresh made current() a new object every scan,
        // which defeated the memoised join (measured: a 1–2 ms join on every snapshot).
        proxies = [];
      }
    },
    // The same object until something changes, so the join can be memoised per snapshot.
    current: () => {
      if (!view || view.section !== section || view.inside !== inside || view.proxies !== proxies) {
        view = { section, inside, proxies, value: { ...section, inside, proxies } };
      }
      return view.value;
    },
    invalidate() {
      dirty = true;
      insideRead.clear();
    },
    dispose() {
      disposed = true;
      closeEvents?.();
      closeEvents = null;
    },
  };
}
