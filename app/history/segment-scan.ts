import type { HistoryEvent } from './types.js';

/**
 * Byte-level scans of one history segment, so a question about one port does not JSON-parse
 * megabytes of other ports' events. They rely on the format's guarantees (log-format.ts): every
 * record starts with `{"at":`, lines are written by JSON.stringify (no spaces), and every string
 * is JSON-escaped, so `"port":N,` and `{"at":` can only occur as structure, never inside a
 * command or a path.
 */

const NEWLINE = 0x0a;
const RECORD_START = Buffer.from('{"at":');
const STATE_PREFIX = /^\{"at":\d+,"event":"state"/;
const PORT_KEY = Buffer.from('"port":');

/** What one segment holds, per port; cached beside a closed segment (port-read.ts). */
export interface SegmentSummary {
  /** Bytes scanned: the summary is valid while the segment still has this size. */
  readonly size: number;
  /** `at` of the first record (the checkpoint), and the largest `at` seen. */
  readonly first: number | null;
  readonly last: number | null;
  /** True when the segment begins with a checkpoint (the listeners open when it began). */
  readonly checkpoint: boolean;
  /**
   * `,PORT:EVENTS:CP,` per port named: EVENTS lines name it, CP is 1 when the checkpoint lists it.
   * One string, not an object, so reading a cached summary is a string search, not building
   * thousands of objects (a test run's history names thousands of ports per segment).
   */
  readonly ports: string;
}

/** What a summary says about one port: event lines naming it, and whether the checkpoint does. */
export function portInSummary(
  summary: SegmentSummary,
  port: number,
): { count: number; inCheckpoint: boolean } {
  const key = `,${port}:`;
  const at = summary.ports.indexOf(key);
  if (at < 0) return { count: 0, inCheckpoint: false };
  const m = /^(\d+):([01]),/.exec(summary.ports.slice(at + key.length, at + key.length + 16));
  return m ? { count: Number(m[1]), inCheckpoint: m[2] === '1' } : { count: 0, inCheckpoint: false };
}

function atOf(buf: Buffer, start: number, end: number): number | null {
  if (end - start < 8 || buf.compare(RECORD_START, 0, RECORD_START.length, start, start + 6) !== 0)
    return null;
  let n = 0;
  let i = start + 6;
  for (; i < end && i < start + 22; i += 1) {
    const c = buf[i] ?? 0;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  return i > start + 6 ? n : null;
}

function digitsAt(buf: Buffer, from: number): number | null {
  let n = 0;
  let i = from;
  for (; i < from + 6; i += 1) {
    const c = buf[i] ?? 0;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  return i > from && buf[i] === 0x2c ? n : null;
}

function isStateLine(buf: Buffer, start: number, end: number): boolean {
  return STATE_PREFIX.test(buf.toString('latin1', start, Math.min(end, start + 40)));
}

/** Summarises a segment in one linear pass: which ports it names, and the times it spans. */
export function summariseSegment(buf: Buffer): SegmentSummary {
  const ports = new Map<number, [number, number]>();
  let first: number | null = null;
  let last: number | null = null;
  let checkpoint = false;
  let hit = buf.indexOf(PORT_KEY);
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(NEWLINE, start);
    const end = nl < 0 ? buf.length : nl;
    const at = atOf(buf, start, end);
    if (at !== null) {
      first ??= at;
      if (last === null || at > last) last = at;
    }
    const state = start === 0 && isStateLine(buf, start, end);
    if (state) checkpoint = true;
    const seen = new Set<number>();
    while (hit >= 0 && hit < end) {
      const port = digitsAt(buf, hit + PORT_KEY.length);
      if (port !== null && !seen.has(port)) {
        seen.add(port);
        const entry = ports.get(port) ?? [0, 0];
        if (state) entry[1] = 1;
        else entry[0] += 1;
        ports.set(port, entry);
      }
      hit = buf.indexOf(PORT_KEY, hit + 1);
    }
    start = end + 1;
  }
  let list = ',';
  for (const [port, [count, cp]] of ports) list += `${port}:${count}:${cp},`;
  return { size: buf.length, first, last, checkpoint, ports: list };
}

/** End (exclusive) of the JSON object starting at `start`, or -1 when it is torn (a newline first). */
function objectEnd(buf: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < buf.length; i += 1) {
    const c = buf[i];
    if (c === NEWLINE) return -1;
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth += 1;
    else if (c === 0x7d) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function isEventOn(v: unknown, port: number): v is HistoryEvent {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.at === 'number' &&
    (r.event === 'open' || r.event === 'close' || r.event === 'owner') &&
    (r.protocol === 'tcp' || r.protocol === 'udp') &&
    (r.family === 4 || r.family === 6 || r.family === null) &&
    typeof r.address === 'string' &&
    r.port === port
  );
}

/** The records of one segment that name `port`: its checkpoint entries and its events, in order. */
export interface PortRecords {
  readonly checkpoint: HistoryEvent[];
  readonly events: HistoryEvent[];
  /** Lines naming the port that could not be read (torn by a crash). */
  readonly skipped: number;
}

/**
 * Finds the records naming `port` without parsing anything else: each `"port":N,` is traced back
 * to the `{"at":` that opens its record (an event line, an entry of the checkpoint, or a record
 * appended onto a torn line) and only that object is parsed.
 */
export function portRecords(buf: Buffer, port: number): PortRecords {
  const needle = Buffer.from(`"port":${port},`);
  const checkpoint: HistoryEvent[] = [];
  const events: HistoryEvent[] = [];
  let skipped = 0;
  const firstEnd = buf.indexOf(NEWLINE) < 0 ? buf.length : buf.indexOf(NEWLINE);
  const stateEnd = startsWithCheckpoint(buf) ? firstEnd : 0;
  let after = 0;
  for (let hit = buf.indexOf(needle); hit >= 0; hit = buf.indexOf(needle, Math.max(hit + 1, after))) {
    const start = buf.lastIndexOf(RECORD_START, hit);
    const end = start < 0 ? -1 : objectEnd(buf, start);
    after = end < 0 ? hit + 1 : end;
    let record: unknown = null;
    if (end > hit) {
      try {
        record = JSON.parse(buf.toString('utf8', start, end));
      } catch {
        record = null;
      }
    }
    if (!isEventOn(record, port)) {
      skipped += 1;
      continue;
    }
    if (start > 0 && start < stateEnd) checkpoint.push(record);
    else events.push(record);
  }
  return { checkpoint, events, skipped };
}

/** True when the segment begins with a checkpoint line. */
export function startsWithCheckpoint(buf: Buffer): boolean {
  const nl = buf.indexOf(NEWLINE);
  return isStateLine(buf, 0, nl < 0 ? buf.length : nl);
}

/** `at` of the segment's first record, or null when its first line is torn. */
export function firstAt(buf: Buffer): number | null {
  const nl = buf.indexOf(NEWLINE);
  return atOf(buf, 0, nl < 0 ? buf.length : nl);
}
