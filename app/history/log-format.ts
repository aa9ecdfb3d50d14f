import type { HistoryEvent, HistoryOwner } from './types.js';

/**
 * The on-disk form of the port history: JSON lines, one event per line. A segment begins with a
 * checkpoint line (`"event":"state"`) listing the listeners open when it was started, so a face
 * can learn the current shared state from the newest segment alone.
 */

/** Every record starts with this text, so a line glued to a torn one can still be found. */
const RECORD_START = '{"at":';

/** Longest command and cwd kept per owner: keeps every line well under PIPE_BUF-ish sizes. */
const MAX_COMMAND = 1000;
const MAX_PATH = 300;

/** A checkpoint: the listeners open when a segment was started. */
export interface StateRecord {
  readonly at: number;
  readonly event: 'state';
  readonly open: readonly HistoryEvent[];
}

/** One parsed line. */
export type LogRecord = HistoryEvent | StateRecord;

function cap(text: string | null, max: number): string | null {
  return text === null || text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Caps an owner's free-text fields so one line stays small. */
export function compactOwner(owner: HistoryOwner): HistoryOwner {
  return { ...owner, command: cap(owner.command, MAX_COMMAND), cwd: cap(owner.cwd, MAX_PATH) };
}

/**
 * Owners' JSON by object: the recorder hands the same owner object for every listener of a
 * process, and a busy one (1000 listeners, 100 new per poll in bench:soak) had its command line
 * serialised once per record and once per checkpoint entry.
 */
const ownerJson = new WeakMap<HistoryOwner, string>();

function ownerText(owner: HistoryOwner | null): string {
  if (owner === null) return 'null';
  let text = ownerJson.get(owner);
  if (text === undefined) {
    text = JSON.stringify(owner);
    ownerJson.set(owner, text);
  }
  return text;
}

/** A number as JSON writes it (`null` for NaN and ±Infinity). */
function num(n: number | null): string {
  return n !== null && Number.isFinite(n) ? String(n) : 'null';
}

/** One event as JSON: the same text as `JSON.stringify` of these fields in this order. */
function eventJson(e: HistoryEvent): string {
  const text = JSON.stringify;
  return `{"at":${num(e.at)},"event":${text(e.event)},"protocol":${text(e.protocol)},"family":${num(e.family)},"address":${text(e.address)},"port":${num(e.port)},"owner":${ownerText(e.owner)},"face":${text(e.face)}}`;
}

/** Serialises one record as a line (with its newline). */
export function formatRecord(record: LogRecord): string {
  // `at` first: the reader re-synchronises on RECORD_START after a torn line.
  if (record.event === 'state')
    return `{"at":${record.at},"event":"state","open":[${record.open.map(eventJson).join(',')}]}\n`;
  return `${eventJson(record)}\n`;
}

function isEvent(v: unknown): v is LogRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (typeof r.at !== 'number') return false;
  if (r.event === 'state') return Array.isArray(r.open);
  return (
    (r.event === 'open' || r.event === 'close' || r.event === 'owner') &&
    (r.protocol === 'tcp' || r.protocol === 'udp') &&
    (r.family === 4 || r.family === 6 || r.family === null) &&
    typeof r.address === 'string' &&
    typeof r.port === 'number'
  );
}

function parseOne(line: string): LogRecord | null {
  try {
    const v: unknown = JSON.parse(line);
    return isEvent(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * Parses a segment's text. Tolerates a torn line (a crash mid-write, or a power cut): the line is
 * skipped, and when the next record was appended onto it, that record is recovered from where its
 * `{"at":` starts. Never throws.
 */
export function parseLog(text: string): { records: LogRecord[]; skipped: number } {
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const r = parseOne(line);
    if (r) {
      records.push(r);
      continue;
    }
    const at = line.lastIndexOf(RECORD_START);
    const recovered = at > 0 ? parseOne(line.slice(at)) : null;
    if (recovered) records.push(recovered);
    skipped += 1;
  }
  return { records, skipped };
}

/** The identity of a socket address, one key per protocol/family/address/port. */
export function socketKey(s: {
  protocol: string;
  family: number | null;
  address: string;
  port: number;
}): string {
  // `?` for a family the scanner could not tell (`tcp?|*|…`), as listener ids write it.
  return `${s.protocol}${s.family ?? '?'}|${s.address}|${s.port}`;
}

/** Two owners are the same holder when pid and incarnation (or the unknown reason/uid) match. */
export function ownerSignature(owner: HistoryOwner | null): string {
  if (owner === null) return '-';
  if (owner.kind === 'process') return `${owner.pid ?? ''}:${owner.startToken ?? ''}`;
  return `?${owner.reason ?? ''}:${owner.uid ?? ''}:${owner.pid ?? ''}`;
}

/**
 * Applies records in order to the map of open listeners. Idempotent: an `open` for a socket
 * already open with the same owner, or a `close` for one already closed, changes nothing — so two
 * faces recording the same change at once leave one change in the state.
 */
export function applyRecords(state: Map<string, HistoryEvent>, records: readonly LogRecord[]): void {
  for (const r of records) {
    if (r.event === 'state') {
      state.clear();
      for (const e of r.open) state.set(socketKey(e), e);
    } else if (r.event === 'close') state.delete(socketKey(r));
    else state.set(socketKey(r), r);
  }
}
