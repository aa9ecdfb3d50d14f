import {
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatRecord, parseLog, type LogRecord, type StateRecord } from './log-format.js';
import { summaryFileFor } from './segment-cache.js';
import type { HistoryEvent } from './types.js';

/**
 * The port history store: an append-only JSON-lines log in segments, chosen over an embedded SQL
 * database (app/history/README.md has the comparison and the measurements). Crash-safe because each
 * write is whole lines with one `write(2)` on an O_APPEND descriptor (a `kill -9` cannot leave
 * half of it) and the reader skips a torn line; safe for concurrent writers because O_APPEND
 * writes do not interleave and records are idempotent state changes.
 */

/** 30 days, the age limit. */
export const DEFAULT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** 50 MB, the size limit. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** One write at most this big: whole lines only, each write atomic among appenders. */
const WRITE_CHUNK = 4096;

/** Options for {@link openHistoryStore}. */
export interface HistoryStoreOptions {
  readonly dir: string;
  readonly maxBytes?: number;
  readonly maxAgeMs?: number;
  /**
   * Rotate the newest segment past this size (default maxBytes / 50, 1 MB): every face parses
   * the newest segment when it starts (to learn the shared state), so it stays small.
   */
  readonly segmentBytes?: number;
  readonly now?: () => number;
}

/** Where the newest segment ends, for cheap tailing. */
export interface LogPosition {
  readonly segment: string;
  readonly offset: number;
}

/** An append-only, rotated, multi-writer log of history records. */
export interface HistoryStore {
  readonly dir: string;
  /**
   * Appends records (whole lines, ≤ 4 KB per write); rotates and prunes when the segment is full.
   * Returns the new end when the log ended at `readUpTo` before the write and nobody else wrote
   * meanwhile (the caller then need not read its own lines back), else null.
   */
  append(
    records: readonly LogRecord[],
    currentState?: () => readonly HistoryEvent[],
    readUpTo?: LogPosition | null,
  ): LogPosition | null;
  /** Every kept record, oldest first, and the position after them. */
  readAll(): { records: LogRecord[]; skipped: number; end: LogPosition | null };
  /** Records of the newest segment from its start when it begins with a checkpoint, else all. */
  readCurrent(): { records: LogRecord[]; end: LogPosition | null };
  /** Records appended since `from` (null when the segment rotated: the caller re-reads current). */
  readSince(from: LogPosition): { records: LogRecord[]; end: LogPosition } | null;
  /** The position at the end of the newest segment (one stat). */
  position(): LogPosition | null;
  /** Segment file names, oldest first. */
  segments(): string[];
  /** One segment's bytes, or null when it was pruned meanwhile. */
  readSegment(name: string): Buffer | null;
}

/** The user's data directory for Harbormaster, shared by the tray, serve and the CLI. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HARBORMASTER_DATA_DIR) return env.HARBORMASTER_DATA_DIR;
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'harbormaster');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'harbormaster');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'harbormaster');
}

/** The history folder inside the data directory. */
export function defaultHistoryDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultDataDir(env), 'history');
}

const SEGMENT = /^events-(\d{8})\.jsonl$/;

function segmentName(n: number): string {
  return `events-${String(n).padStart(8, '0')}.jsonl`;
}

/** Opens (creating the folder, mode 0700: the history names the user's processes) a store. */
export function openHistoryStore(options: HistoryStoreOptions): HistoryStore {
  const dir = options.dir;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const segmentBytes = options.segmentBytes ?? Math.floor(maxBytes / 50);
  const now = options.now ?? Date.now;
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  const segments = (): string[] =>
    readdirSync(dir)
      .filter((f) => SEGMENT.test(f))
      .sort();
  const newest = (): string | null => segments().at(-1) ?? null;
  /** A segment's text and its size in bytes (the offset to tail from: not the text's length). */
  const readText = (name: string): { text: string; bytes: number } | null => {
    try {
      const buf = readFileSync(join(dir, name));
      return { text: buf.toString('utf8'), bytes: buf.length };
    } catch {
      return null; // pruned by another writer meanwhile
    }
  };
  const sizeOf = (name: string): number | null => {
    try {
      return statSync(join(dir, name)).size;
    } catch {
      return null;
    }
  };

  /** Writes whole lines in ≤ 4 KB writes; `cleanAt` is a size known to end with a newline. */
  const writeLines = (
    name: string,
    lines: readonly string[],
    cleanAt: number | null,
  ): { before: number; after: number; bytes: number } => {
    const fd = openSync(join(dir, name), 'a+', 0o600);
    try {
      const size = fstatSync(fd).size;
      let chunk = '';
      if (size > 0 && size !== cleanAt) {
        // A crash (not a kill: a power cut) may have left a line without its newline: start clean.
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) chunk = '\n';
      }
      let bytes = 0;
      for (const line of lines) {
        if (chunk.length > 0 && chunk.length + line.length > WRITE_CHUNK) {
          bytes += writeSync(fd, chunk);
          chunk = '';
        }
        chunk += line;
      }
      if (chunk.length > 0) bytes += writeSync(fd, chunk);
      return { before: size, after: fstatSync(fd).size, bytes };
    } finally {
      closeSync(fd);
    }
  };

  let checkpointBytes = 0;
  /**
   * Starts the next segment with a checkpoint; link(2) makes "create with content" atomic. Not
   * before the segment holds a checkpoint's worth of events besides its own: with thousands of
   * listeners open, a checkpoint alone can outgrow a segment, and rotating on every write would
   * fill the history with checkpoints.
   */
  const rotate = (current: string, size: number, state: () => readonly HistoryEvent[]): boolean => {
    // The last checkpoint's length, measured when it was too big to rotate yet: formatting one
    // (700 KB for 1000 listeners of a `node -e` script) on every append until the segment grows
    // past it was the recorder's largest cost in bench:soak. The real length decides.
    if (size < segmentBytes + checkpointBytes) return false;
    const n = Number(SEGMENT.exec(current)?.[1] ?? '0') + 1;
    const line = formatRecord({ at: now(), event: 'state', open: state() } satisfies StateRecord);
    checkpointBytes = line.length;
    if (size < segmentBytes + line.length) return false;
    const tmp = join(dir, `.tmp-${process.pid}-${n}`);
    writeFileSync(tmp, line, { mode: 0o600 });
    try {
      linkSync(tmp, join(dir, segmentName(n)));
    } catch {
      // another writer rotated first: its checkpoint stands
    } finally {
      unlinkSync(tmp);
    }
    prune();
    return true;
  };

  const remove = (name: string): void => {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // already pruned by another writer
    }
  };

  const prune = (): void => {
    const all = segments();
    const keep = all.at(-1);
    let total = 0;
    const cutoff = now() - maxAgeMs;
    for (const name of [...all].reverse()) {
      if (name === keep) {
        total += sizeOf(name) ?? 0;
        continue;
      }
      let stat: { size: number; mtimeMs: number };
      try {
        stat = statSync(join(dir, name));
      } catch {
        continue;
      }
      total += stat.size;
      if (total > maxBytes || stat.mtimeMs < cutoff) {
        remove(name);
        remove(summaryFileFor(name));
      }
    }
  };

  const position = (): LogPosition | null => {
    const name = newest();
    if (name === null) return null;
    return { segment: name, offset: sizeOf(name) ?? 0 };
  };

  return {
    dir,
    append(records, currentState, readUpTo) {
      if (records.length === 0) return readUpTo ?? null;
      const name = readUpTo?.segment ?? newest() ?? segmentName(1);
      const cleanAt = readUpTo?.segment === name ? readUpTo.offset : null;
      const { before, after, bytes } = writeLines(name, records.map(formatRecord), cleanAt);
      if (after >= segmentBytes && rotate(name, after, () => currentState?.() ?? [])) return null;
      const alone = readUpTo?.offset === before && after === before + bytes;
      return alone ? { segment: name, offset: after } : null;
    },
    readAll() {
      const records: LogRecord[] = [];
      let skipped = 0;
      let end: LogPosition | null = null;
      for (const name of segments()) {
        const read = readText(name);
        if (read === null) continue;
        const parsed = parseLog(read.text);
        records.push(...parsed.records);
        skipped += parsed.skipped;
        end = { segment: name, offset: read.bytes };
      }
      return { records, skipped, end };
    },
    readCurrent() {
      const name = newest();
      if (name === null) return { records: [], end: null };
      const read = readText(name);
      if (read === null) return this.readAll();
      const parsed = parseLog(read.text);
      if (parsed.records[0]?.event !== 'state' && segments().length > 1) return this.readAll();
      return { records: parsed.records, end: { segment: name, offset: read.bytes } };
    },
    readSince(from) {
      const name = newest();
      if (name !== from.segment) return null;
      let fd: number;
      try {
        fd = openSync(join(dir, name), 'r');
      } catch {
        return null;
      }
      try {
        const size = fstatSync(fd).size;
        if (size === from.offset) return { records: [], end: from };
        if (size < from.offset) return null;
        const buf = Buffer.alloc(size - from.offset);
        readSync(fd, buf, 0, buf.length, from.offset);
        // Only whole lines: a writer may be mid-way through its write; the rest is read next time.
        const lastNewline = buf.lastIndexOf(0x0a);
        const whole = lastNewline < 0 ? 0 : lastNewline + 1;
        return {
          records: parseLog(buf.subarray(0, whole).toString('utf8')).records,
          end: { segment: name, offset: from.offset + whole },
        };
      } finally {
        closeSync(fd);
      }
    },
    position,
    segments,
    readSegment(name) {
      try {
        return readFileSync(join(dir, name));
      } catch {
        return null;
      }
    },
  };
}
