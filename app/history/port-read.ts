import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Listener } from '../model/listener.js';
import { parseLog, socketKey, type LogRecord } from './log-format.js';
import { FLAP_WINDOW_MS, historyFromRecords, portStory, type PortStory, type StoryOptions } from './query.js';
import { readCachedSummary, summariseAndCache } from './segment-cache.js';
import {
  firstAt,
  portInSummary,
  portRecords,
  startsWithCheckpoint,
  type PortRecords,
} from './segment-scan.js';
import type { HistoryStore } from './store.js';
import type { HistoryEvent, HistoryRead } from './types.js';

/**
 * Questions about one port (or one period) that read only the segments they need, newest first,
 * instead of parsing the whole 50 MB history: each closed segment has a cached summary of the
 * ports it names and the times it spans (segment-cache.ts), so a segment that never names the
 * port is not read at all, and reading stops once the answer is known. The answers are the same
 * as from the whole history (port-read.test.ts compares them).
 */

interface PortSegment {
  readonly name: string;
  /** `at` of its first record; null when unknown (a torn first line). */
  readonly first: number | null;
  /** Largest `at` in it; +∞ for the newest (still written to). */
  readonly last: number;
  readonly checkpoint: boolean;
  /** Event lines naming the port (its checkpoint aside). */
  readonly count: number;
  readonly inCheckpoint: boolean;
  load(): PortRecords;
}

const NOTHING: PortRecords = { checkpoint: [], events: [], skipped: 0 };

/** Every kept segment, newest first, with what it holds about `port`, and where the history begins. */
function portSegments(
  store: HistoryStore,
  port: number | null,
): { segments: PortSegment[]; coversFrom: number | null } {
  const names = store.segments();
  const segments: PortSegment[] = [];
  const newestName = names.at(-1);
  for (const name of [...names].reverse()) {
    if (name === newestName) {
      const buf = store.readSegment(name);
      if (buf === null) continue;
      const records = port === null ? NOTHING : portRecords(buf, port);
      segments.push({
        name,
        first: firstAt(buf),
        last: Number.POSITIVE_INFINITY,
        checkpoint: startsWithCheckpoint(buf),
        count: records.events.length + records.skipped,
        inCheckpoint: records.checkpoint.length > 0,
        load: () => records,
      });
      continue;
    }
    let size: number;
    try {
      size = statSync(join(store.dir, name)).size;
    } catch {
      continue; // pruned meanwhile
    }
    let buf: Buffer | null = null;
    let summary = readCachedSummary(store.dir, name, size);
    if (summary === null) {
      buf = store.readSegment(name);
      if (buf === null) continue;
      summary = summariseAndCache(store.dir, name, buf);
    }
    const { count, inCheckpoint } =
      port === null ? { count: 0, inCheckpoint: false } : portInSummary(summary, port);
    segments.push({
      name,
      first: summary.first,
      last: summary.last ?? Number.NEGATIVE_INFINITY,
      checkpoint: summary.checkpoint,
      count,
      inCheckpoint,
      load: () => {
        buf ??= store.readSegment(name);
        return buf === null || port === null ? NOTHING : portRecords(buf, port);
      },
    });
  }
  const coversFrom = [...segments].reverse().find((s) => s.first !== null)?.first ?? null;
  return { segments, coversFrom };
}

interface Loaded {
  readonly segment: PortSegment;
  readonly records: PortRecords;
}

/** The history of the loaded segments (newest first in `loaded`), as {@link readHistory} shapes it. */
function assemble(loaded: readonly Loaded[], coversFrom: number | null, midway: boolean): HistoryRead {
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const { segment, records: r } of [...loaded].reverse()) {
    if (segment.checkpoint) records.push({ at: segment.first ?? 0, event: 'state', open: r.checkpoint });
    records.push(...r.events);
    skipped += r.skipped;
  }
  const read = historyFromRecords(records, skipped);
  return { ...read, coversFrom, startsMidway: midway };
}

const sameSocket = (a: HistoryEvent, b: HistoryEvent): boolean =>
  a.protocol === b.protocol && a.family === b.family && a.address === b.address;

/** True when the last close in `read` has the record that opened it (or a checkpoint entry). */
function closeExplained(read: HistoryRead): boolean | null {
  const i = read.events.findLastIndex((e) => e.event === 'close');
  const close = read.events[i];
  if (close === undefined) return null;
  const before = read.events.slice(0, i);
  return (
    before.some((o) => o.event !== 'close' && sameSocket(o, close)) ||
    read.openAtStart.some((o) => socketKey(o) === socketKey(close))
  );
}

/**
 * {@link portStory} for `port`, reading newest segments first: it stops once it has the last
 * close on the port with the record that opened it, and every segment that can hold a flap
 * inside the window. A port the history never saw costs one scan of the newest segment.
 */
export function portStoryFromStore(
  store: HistoryStore,
  port: number,
  current: readonly Listener[],
  options: StoryOptions = {},
): PortStory {
  const now = options.now ?? Date.now();
  const flapWindowMs = options.flapWindowMs ?? FLAP_WINDOW_MS;
  const windowStart = now - flapWindowMs;
  const { segments, coversFrom } = portSegments(store, port);
  const loaded: Loaded[] = [];
  let closeFound = false;
  let explained = false;
  segments.forEach((segment, i) => {
    const isNewest = i === 0;
    const wanted =
      isNewest ||
      (segment.count > 0 && (!closeFound || segment.last >= windowStart)) ||
      (closeFound && !explained && segment.inCheckpoint);
    if (!wanted) return;
    loaded.push({ segment, records: segment.load() });
    if (explained) return;
    const read = assemble(loaded, coversFrom, i < segments.length - 1);
    const found = closeExplained(read);
    closeFound = found !== null;
    explained = found === true;
  });
  const midway = loaded.at(-1) !== segments.at(-1);
  return portStory(assemble(loaded, coversFrom, midway), port, current, { now, flapWindowMs });
}

/** One port's remembered changes, newest first (at most `limit`), and how many are kept in all. */
export function portEventsFromStore(
  store: HistoryStore,
  port: number,
  limit: number,
): { events: HistoryEvent[]; total: number; coversFrom: number | null } {
  const { segments, coversFrom } = portSegments(store, port);
  const loaded: Loaded[] = [];
  let have = 0;
  for (const [i, segment] of segments.entries()) {
    if (i > 0 && (segment.count === 0 || have >= limit)) continue;
    const records = segment.load();
    loaded.push({ segment, records });
    have += records.events.length;
  }
  const read = assemble(loaded, coversFrom, loaded.at(-1) !== segments.at(-1));
  const total = segments.reduce((n, s, i) => n + (i === 0 ? s.load().events.length : s.count), 0);
  return { events: read.events.slice(-limit).reverse(), total, coversFrom };
}

/**
 * The history since `since` (epoch ms; null: all of it), of one port or of all: segments that
 * end before `since`, or never name the port, are not read.
 */
export function historySince(store: HistoryStore, port: number | null, since: number | null): HistoryRead {
  const { segments, coversFrom } = portSegments(store, port);
  const inWindow = segments.filter((s, i) => i === 0 || since === null || s.last >= since);
  if (port !== null) {
    const loaded = inWindow
      .filter((s, i) => i === 0 || s.count > 0)
      .map((segment) => ({ segment, records: segment.load() }));
    const read = assemble(loaded, coversFrom, loaded.at(-1) !== segments.at(-1));
    return { ...read, events: read.events.filter((e) => since === null || e.at >= since) };
  }
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const s of [...inWindow].reverse()) {
    const text = store.readSegment(s.name)?.toString('utf8');
    if (text === undefined) continue;
    const parsed = parseLog(text);
    records.push(...parsed.records);
    skipped += parsed.skipped;
  }
  const read = historyFromRecords(records, skipped);
  return {
    ...read,
    coversFrom,
    events: read.events.filter((e) => since === null || e.at >= since),
  };
}
