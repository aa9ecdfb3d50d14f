import type { Listener } from '../model/listener.js';
import { socketKey, type LogRecord } from './log-format.js';
import type { HistoryStore } from './store.js';
import type { HistoryEvent, HistoryOwner, HistoryRead } from './types.js';

/** Reads the whole kept history (oldest first), dropping what is older than the age limit. */
export function readHistory(
  store: HistoryStore,
  options: { now?: number; maxAgeMs?: number } = {},
): HistoryRead {
  const { records, skipped } = store.readAll();
  const cutoff = (options.now ?? Date.now()) - (options.maxAgeMs ?? Number.POSITIVE_INFINITY);
  return historyFromRecords(records, skipped, cutoff);
}

/** Orders records into a {@link HistoryRead}, putting back the owner a close is written without. */
export function historyFromRecords(
  records: readonly LogRecord[],
  skipped: number,
  cutoff = Number.NEGATIVE_INFINITY,
): HistoryRead {
  const events: HistoryEvent[] = [];
  let openAtStart: readonly HistoryEvent[] = [];
  let coversFrom: number | null = null;
  const holders = new Map<string, HistoryOwner | null>();
  for (const r of records) {
    if (r.at < cutoff) continue;
    coversFrom ??= r.at;
    if (r.event === 'state') {
      if (events.length === 0) openAtStart = r.open;
      for (const e of r.open) holders.set(socketKey(e), e.owner);
      continue;
    }
    // A close is written without its owner (it is in the open before it): put it back for readers.
    const key = socketKey(r);
    const owner = r.event === 'close' ? (r.owner ?? holders.get(key) ?? null) : r.owner;
    if (r.event === 'close') holders.delete(key);
    else holders.set(key, r.owner);
    events.push(owner === r.owner ? r : { ...r, owner });
  }
  return { events, openAtStart, coversFrom, skippedLines: skipped };
}

/** What the history says about one port. */
export interface PortStory {
  readonly port: number;
  /** The last holder that went away (the most recent close on this port), with when. */
  readonly lastHolder: {
    readonly owner: HistoryOwner | null;
    readonly until: number;
    readonly since: number | null;
  } | null;
  /** Appearances and disappearances on this port within the flap window. */
  readonly flaps: number;
  readonly flapWindowMs: number;
  /** Other ports the same program (same command, or same project and name) listens on now. */
  readonly movedTo: readonly { readonly port: number; readonly listener: Listener }[];
  readonly coversFrom: number | null;
}

/** True when two owners look like runs of the same program: same name and command (ports aside), or, without a command, same project or folder. */
export function sameProgram(
  a: HistoryOwner,
  b: { name: string | null; command: string | null; cwd: string | null; project: string | null },
): boolean {
  if (a.name === null || a.name !== b.name) return false;
  // The command line (port numbers aside) decides when both are known: two different node
  // programs in one folder are not "the same program".
  if (a.command && b.command) return stripPorts(a.command) === stripPorts(b.command);
  if (a.project !== null && a.project === b.project) return true;
  return a.cwd !== null && a.cwd === b.cwd;
}

function stripPorts(command: string): string {
  // `0` too: a dev server restarted with `--port 0` after a fixed port is still the same program.
  return command.replace(/\b(?:0|\d{2,5})\b/g, '#');
}

/** The window a port's open/close flaps are counted in, unless the caller names another. */
export const FLAP_WINDOW_MS = 3600_000;

/** How a port's story is told: at `now`, counting flaps within `flapWindowMs`. */
export type StoryOptions = { now?: number; flapWindowMs?: number };

/** Builds the story of `port` from the history and the listeners open now. */
export function portStory(
  history: HistoryRead,
  port: number,
  current: readonly Listener[],
  options: StoryOptions = {},
): PortStory {
  const now = options.now ?? Date.now();
  const flapWindowMs = options.flapWindowMs ?? FLAP_WINDOW_MS;
  const onPort = history.events.filter((e) => e.port === port);
  let lastHolder: PortStory['lastHolder'] = null;
  let flaps = 0;
  for (const e of onPort) {
    if (e.at >= now - flapWindowMs && (e.event === 'open' || e.event === 'close')) flaps += 1;
  }
  for (let i = onPort.length - 1; i >= 0; i -= 1) {
    const e = onPort[i];
    if (e?.event !== 'close') continue;
    const sameSocket = (o: HistoryEvent): boolean =>
      o.address === e.address && o.protocol === e.protocol && o.family === e.family;
    const opened =
      onPort
        .slice(0, i)
        .reverse()
        .find((o) => o.event !== 'close' && sameSocket(o)) ??
      history.openAtStart.find((o) => o.port === port && sameSocket(o));
    // An entry of the oldest kept checkpoint opened before the history began: since unknown. One
    // of a later checkpoint (a read that started mid-log) carries the time of the record it copies.
    const fromCheckpoint = opened !== undefined && !onPort.includes(opened) && history.startsMidway !== true;
    lastHolder = {
      owner: e.owner ?? opened?.owner ?? null,
      until: e.at,
      since: opened && !fromCheckpoint ? opened.at : null,
    };
    break;
  }
  const movedTo: { port: number; listener: Listener }[] = [];
  const who = lastHolder?.owner;
  if (who && who.kind === 'process') {
    for (const l of current) {
      if (l.port === port || l.owner.kind !== 'process') continue;
      const o = l.owner;
      const candidate = { name: o.name, command: o.command, cwd: o.cwd, project: o.project?.name ?? null };
      if (sameProgram(who, candidate) && !movedTo.some((m) => m.port === l.port))
        movedTo.push({ port: l.port, listener: l });
    }
  }
  return { port, lastHolder, flaps, flapWindowMs, movedTo, coversFrom: history.coversFrom };
}
