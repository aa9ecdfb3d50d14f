import { exposureOf, portRange } from '../model/classify.js';
import { hmError, type Result } from '../model/errors.js';
import { UNKNOWN_HEALTH, type Health } from '../model/health.js';
import type { Listener, Owner, ProcessOwner, UnknownOwner } from '../model/listener.js';
import { knownService } from '../model/services.js';
import { sameOwner } from '../model/same-listener.js';
import type { CompletenessNote, Snapshot, SnapshotStatus, Viewer } from '../model/snapshot.js';
import { viewerIsRoot } from '../model/unknown-owner-words.js';
import type { OwnerResolver } from '../owners/types.js';
import type { RawListener, ScanOutcome, Scanner } from '../scan/types.js';
import { monotonicMs } from './clock.js';

/** A listener before its URL is known. */
export type ListenerDraft = Omit<Listener, 'url'>;

/** Options for {@link createSnapshotter}. */
export interface SnapshotterOptions {
  readonly scanner: Scanner;
  readonly owners: OwnerResolver;
  /** Current health for a listener id (from the health monitor). */
  readonly healthOf?: (listenerId: string) => Health;
  /** The URL "open" would use for a listener (from app/actions/url). */
  readonly urlFor?: (listener: ListenerDraft) => string | null;
  readonly now?: () => number;
  /** Scan deadline: a scan slower than this is a TIMEOUT failure. */
  readonly timeoutMs?: number;
  /** The user the core runs as, copied into every snapshot. */
  readonly viewer?: Viewer;
  /** Adds what the scan cannot see (which container a docker-proxy forwards to), synchronously. */
  readonly decorate?: (snapshot: Snapshot) => Snapshot;
}

/** Turns scans into numbered snapshots. */
export interface Snapshotter {
  /** Scans and builds the next snapshot (a failed scan yields a failed, stale snapshot). */
  take(): Promise<Snapshot>;
  /** Rebuilds the latest snapshot with fresh health/urls, without scanning (new seq). */
  rebuild(): Snapshot | null;
  latest(): Snapshot | null;
}

/** The stable id of a listener: protocol, family, address, port and socket identity. */
export function listenerId(raw: RawListener): string {
  return `${raw.protocol}${raw.family ?? '?'}|${raw.address}|${raw.port}|${raw.socketId ?? (raw.pid === null ? '-' : `pid${raw.pid}`)}`;
}

const UNKNOWN_MESSAGES: Record<UnknownOwner['reason'], string> = {
  permission: 'Owner unknown: not permitted (needs admin) to read the process that holds it.',
  'other-namespace': 'Owner not visible from here: the process is in another container or namespace.',
  'no-process': 'No process holds this socket (a kernel socket, or it closed during the scan).',
  vanished: 'The process exited while it was being looked up.',
  'not-reported': 'The scanner did not report an owner for this socket.',
};
/** The permission message when the core already runs as root: admin rights would not help. */
const ROOT_PERMISSION_MESSAGE =
  'Owner unknown: its process could not be read even as root (a non-dumpable process, or a confined root).';

/** Display order: port, then protocol, family and address (plain comparisons: this runs per scan). */
function compareListeners(a: Listener, b: Listener): number {
  if (a.port !== b.port) return a.port - b.port;
  if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
  if (a.family !== b.family) return (a.family ?? 0) - (b.family ?? 0);
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Builds the owner of one raw listener from the resolver's answers. */
export function ownerFor(
  raw: RawListener,
  resolved: ReadonlyMap<number, Result<ProcessOwner>>,
  userName?: (uid: number) => string | null,
  root = false,
): Owner {
  const unknown = (reason: UnknownOwner['reason'], pid: number | null): UnknownOwner => ({
    kind: 'unknown',
    reason,
    message: root && reason === 'permission' ? ROOT_PERMISSION_MESSAGE : UNKNOWN_MESSAGES[reason],
    pid,
    uid: raw.uid,
    user: raw.uid === null ? null : (userName?.(raw.uid) ?? null),
  });
  if (raw.pid === null) return unknown(raw.unknownReason ?? 'permission', null);
  const r = resolved.get(raw.pid);
  if (!r) return unknown('not-reported', raw.pid);
  if (r.ok) return r.value;
  return unknown(r.error.code === 'EPERM' ? 'permission' : 'vanished', raw.pid);
}

/** True when both resolutions name the same owner objects (or the same failure) for the same pids. */
function sameResolution(
  a: ReadonlyMap<number, Result<ProcessOwner>>,
  b: ReadonlyMap<number, Result<ProcessOwner>>,
): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [pid, r] of a) {
    const before = b.get(pid);
    if (!before || before.ok !== r.ok) return false;
    if (r.ok ? r.value !== (before as typeof r).value : r.error.code !== (before as typeof r).error.code)
      return false;
  }
  return true;
}

/**
 * Scans, resolves owners, classifies (exposure, port range, known service), attaches health and
 * URLs, and numbers the result. Failures never look like "nothing listens": a failed scan keeps
 * the last good listeners, marked stale, with the error.
 */
export function createSnapshotter(options: SnapshotterOptions): Snapshotter {
  const now = options.now ?? Date.now;
  const healthOf = options.healthOf ?? (() => UNKNOWN_HEALTH);
  const viewer = options.viewer ? { viewer: options.viewer } : {};
  const root = viewerIsRoot(options.viewer ?? null);
  const decorate = options.decorate ?? ((s: Snapshot) => s);
  let seq = 0;
  let last: Snapshot | null = null;
  let lastGood: {
    raws: readonly RawListener[];
    owners: Map<number, Result<ProcessOwner>>;
    pids: readonly number[];
  } | null = null;
  let lastMeta: {
    notes: readonly CompletenessNote[];
    status: SnapshotStatus;
    durationMs: number;
    source: Snapshot['source'];
  } | null = null;

  // Listeners whose socket, owner and health are unchanged keep their object from the last build:
  // no re-classification or URL building, less garbage, and consumers can compare by reference.
  let memo = new Map<string, { owner: Owner; health: Health; listener: Listener }>();
  let lastBuilt: Listener[] = [];
  // A scanner that hands an unchanged socket out as the same object (the Linux one does) gets its
  // id back from here: no new string to build and hash per socket per poll (issue 14 item 4).
  const ids = new WeakMap<RawListener, string>();
  const idOf = (raw: RawListener): string => {
    let id = ids.get(raw);
    if (id === undefined) {
      id = listenerId(raw);
      ids.set(raw, id);
    }
    return id;
  };
  // What the last build was made from: the same raw list (the Linux scanner hands an unchanged
  // scan back as the same array), the same owner per pid and the same health for every listener
  // make the same listeners, so the per-socket loop is skipped (issue 14 item 4: N5000 steady state).
  let lastInputs: {
    raws: readonly RawListener[];
    owners: ReadonlyMap<number, Result<ProcessOwner>>;
  } | null = null;
  const unchangedSince = (
    raws: readonly RawListener[],
    owners: ReadonlyMap<number, Result<ProcessOwner>>,
  ): boolean =>
    lastInputs !== null &&
    raws === lastInputs.raws &&
    sameResolution(owners, lastInputs.owners) &&
    lastBuilt.every((l) => healthOf(l.id) === l.health);
  const build = (
    raws: readonly RawListener[],
    owners: ReadonlyMap<number, Result<ProcessOwner>>,
  ): Listener[] => {
    if (unchangedSince(raws, owners)) return lastBuilt;
    lastInputs = { raws, owners };
    const next = new Map<string, { owner: Owner; health: Health; listener: Listener }>();
    const out: Listener[] = [];
    const userName = options.owners.userName?.bind(options.owners);
    let reusedAll = true;
    let sameIds = true;
    for (const raw of raws) {
      const id = idOf(raw);
      if (next.has(id)) continue;
      const owner = ownerFor(raw, owners, userName, root);
      const health = healthOf(id);
      const prev = memo.get(id);
      if (!prev) sameIds = false;
      if (prev && prev.health === health && sameOwner(prev.owner, owner)) {
        next.set(id, prev);
        out.push(prev.listener);
        continue;
      }
      // One literal with every field, the url filled in after: a spread (`{ ...draft, url }`) gave
      // each listener a hidden class of its own in V8, and every later loop over the listeners
      // (the unchanged check below, JSON for the faces) ran megamorphic, ~10× slower (issue 14).
      const listener: { -readonly [K in keyof Listener]: Listener[K] } = {
        id,
        protocol: raw.protocol,
        family: raw.family,
        address: raw.address,
        port: raw.port,
        exposure: exposureOf(raw.address),
        portRange: portRange(raw.port),
        service: knownService(raw.port),
        socketId: raw.socketId,
        owner,
        health,
        url: null,
      };
      listener.url = options.urlFor?.(listener) ?? null;
      next.set(id, { owner, health, listener });
      out.push(listener);
      reusedAll = false;
    }
    memo = next;
    // Nothing changed: the previous (sorted) array is still right, and sorting thousands of
    // listeners every poll was a tenth of the scan at N=5000.
    if (reusedAll && out.length === lastBuilt.length) return lastBuilt;
    // The same sockets with new health or owners (a health result between scans): the order is
    // the last one, so map it instead of sorting again (every rebuild sorted 1000 rows in the soak).
    if (sameIds && next.size === lastBuilt.length && lastBuilt.every((l) => next.has(l.id))) {
      const reordered = lastBuilt.map((l) => (next.get(l.id) as { listener: Listener }).listener);
      lastBuilt = reordered;
      return reordered;
    }
    out.sort(compareListeners);
    lastBuilt = out;
    return out;
  };

  // The scan that ran last, until it has settled (its children gone). A scan stopped by its
  // deadline settles as soon as its process group is dead; the next scan never starts beside it.
  let unsettled: Promise<unknown> | null = null;

  const scanWithDeadline = async (): Promise<ScanOutcome> => {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => {
        // Stop the scan: backends kill their child process groups and start nothing new.
        controller.abort();
        resolve('deadline');
      }, timeoutMs);
    });
    const timedOut = (message: string): ScanOutcome => ({
      ok: false,
      backend: options.scanner.id,
      error: hmError('TIMEOUT', message),
    });
    try {
      if (unsettled) {
        const waited = await Promise.race([unsettled.then(() => 'settled' as const), deadline]);
        if (waited === 'deadline') {
          return timedOut(
            `The last scan, stopped at its deadline, has not finished yet; no new scan was started within ${timeoutMs} ms.`,
          );
        }
      }
      const scan = options.scanner.scan(controller.signal).catch((e: unknown): ScanOutcome => ({
        ok: false,
        backend: options.scanner.id,
        error: hmError('SCAN_FAILED', `The scan failed: ${(e as Error).message}`),
      }));
      unsettled = scan;
      void scan.finally(() => {
        if (unsettled === scan) unsettled = null;
      });
      const outcome = await Promise.race([scan, deadline]);
      if (outcome !== 'deadline') return outcome;
      // Give the stopped backend a moment to reap its children, so a failed snapshot means the
      // scan is over (it settles within milliseconds of the SIGKILL); never wait for it for long.
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([scan, new Promise((r) => (grace = setTimeout(r, 1000)))]);
      clearTimeout(grace);
      return timedOut(`The scan took longer than ${timeoutMs} ms and was stopped.`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    latest: () => last,
    async take() {
      const started = monotonicMs();
      const takenAt = now();
      const outcome = await scanWithDeadline();
      if (!outcome.ok) {
        const listeners = lastGood ? build(lastGood.raws, lastGood.owners) : [];
        last = {
          seq: ++seq,
          takenAt,
          durationMs: monotonicMs() - started,
          source: outcome.backend,
          status: 'failed',
          stale: lastGood !== null,
          notes: [],
          error: outcome.error,
          listeners,
          ...viewer,
        };
        last = decorate(last);
        return last;
      }
      // The same raw list as last time (an unchanged Linux scan) holds the same pids.
      const pids =
        lastGood?.raws === outcome.listeners
          ? lastGood.pids
          : [...new Set(outcome.listeners.map((l) => l.pid).filter((p): p is number => p !== null))];
      const owners = await options.owners.resolve(pids);
      options.owners.prune?.(new Set(pids));
      lastGood = { raws: outcome.listeners, owners, pids };
      const listeners = build(outcome.listeners, owners);
      const hidden = listeners.some((l) => l.owner.kind === 'unknown');
      const status: SnapshotStatus =
        hidden || outcome.notes.some((n) => n.code !== 'FALLBACK') ? 'partial' : 'ok';
      lastMeta = {
        notes: outcome.notes,
        status,
        durationMs: monotonicMs() - started,
        source: outcome.backend,
      };
      last = {
        seq: ++seq,
        takenAt,
        durationMs: lastMeta.durationMs,
        source: outcome.backend,
        status,
        stale: false,
        notes: outcome.notes,
        error: null,
        listeners,
        ...viewer,
      };
      last = decorate(last);
      return last;
    },
    rebuild() {
      if (!last) return null;
      if (last.status === 'failed' || !lastGood || !lastMeta) {
        last = {
          ...last,
          seq: ++seq,
          listeners: lastGood ? build(lastGood.raws, lastGood.owners) : last.listeners,
        };
        last = decorate(last);
        return last;
      }
      last = decorate({ ...last, seq: ++seq, listeners: build(lastGood.raws, lastGood.owners) });
      return last;
    },
  };
}
