import type { Family, Protocol } from '../model/listener.js';
import type { RawListener } from './types.js';
import {
  cleanName,
  dedupeListeners,
  endpointAddress,
  parsePidText,
  parsePortText,
  rawListener,
  sampleOf,
  splitEndpoint,
  unknownFamilyAddress,
  unrecognized,
  type ParsedListeners,
} from './parse-util.js';

/**
 * The argv we run (macOS and Linux lsof). `-n -P` no name or port lookups; `-iTCP -iUDP` every
 * internet socket; `-w` no warnings; `-Ts` the TCP state only; `-F pcuLtPnT0` field output
 * (pid, command, uid, login, type, protocol, name, TCP info), NUL-terminated fields.
 *
 * There is deliberately no `-sTCP:LISTEN`: Linux lsof has no UDP state filter, and adding a TCP
 * state filter silently drops every UDP socket (docs/ARCHITECTURE.md#scanner-design),
 * so LISTEN and unconnected UDP are picked here in JS. https://man7.org/linux/man-pages/man8/lsof.8.html
 */
export const LSOF_ARGS: readonly string[] = ['-nP', '-iTCP', '-iUDP', '-w', '-Ts', '-F', 'pcuLtPnT0'];

interface LsofProcess {
  pid: number | null;
  command: string | null;
  uid: number | null;
}

type Fields = Map<string, string[]>;

/** Every field id lsof -F prints (lsof(8) "OUTPUT FOR OTHER PROGRAMS"). */
const FIELD_IDS = 'acCdDfFgGiklLmMnNopPrRsStTuKZ';

/** Field ids that belong to a process set (pid, command, uid, login, pgid, ppid, task). */
const PROCESS_FIELDS = 'pcuLgRK';

/**
 * Splits field output into sets. With `-F …0` each field ends in NUL and each set in NL; without
 * `0` each field is one line, and a file set starts at `f` or when a field repeats.
 * Returns the sets and whether the output ended mid-set (truncated).
 */
function splitSets(text: string): { sets: Fields[]; truncatedTail: boolean } {
  const sets: Fields[] = [];
  if (text.includes('\0')) {
    const parts = text.split('\n');
    const last = parts.pop() ?? '';
    for (const part of parts) {
      if (part === '') continue;
      const fields: Fields = new Map();
      let corrupt = false;
      for (const field of part.split('\0')) {
        if (field === '') continue;
        const id = field[0] ?? '';
        // A field id lsof never prints means a stray NUL split a field (`n*:38` + `219`).
        if (!FIELD_IDS.includes(id)) corrupt = true;
        fields.set(id, [...(fields.get(id) ?? []), field.slice(1)]);
      }
      sets.push(corrupt ? new Map([['!', [part[0] ?? '']]]) : fields);
    }
    return { sets, truncatedTail: last !== '' };
  }
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  let current: Fields | null = null;
  for (const line of lines) {
    if (line === '') continue;
    const id = line[0] ?? '';
    const startsSet =
      current === null ||
      id === 'p' ||
      id === 'f' ||
      (!PROCESS_FIELDS.includes(id) && current.has('p')) ||
      (id !== 'T' && current.has(id));
    if (startsSet) {
      current = new Map();
      sets.push(current);
    }
    current?.set(id, [...(current.get(id) ?? []), line.slice(1)]);
  }
  return { sets, truncatedTail: last !== '' };
}

const one = (f: Fields, id: string): string | undefined => f.get(id)?.[0];

/**
 * Parses `lsof -F` field output (macOS and Linux; see {@link LSOF_ARGS}) into TCP LISTEN and
 * unconnected UDP listeners, one per (socket, pid). IPv4 text on an IPv6 socket becomes
 * `::ffff:a.b.c.d`; `*` is the family's any-address. Garbage and truncated sets are counted in
 * `skipped`, never thrown.
 */
export function parseLsofF(text: string): ParsedListeners {
  const { sets, truncatedTail } = splitSets(text);
  const listeners: RawListener[] = [];
  let skipped = truncatedTail ? 1 : 0;
  let proc: LsofProcess | null = null;
  let processes = 0;
  for (const set of sets) {
    const corrupt = set.get('!');
    if (corrupt) {
      skipped += 1;
      // A corrupt process record: its files must not be credited to the previous process.
      if (corrupt[0] === 'p') proc = null;
      continue;
    }
    if (set.has('p')) {
      const pid = parsePidText(one(set, 'p') ?? '');
      if (pid === null) {
        skipped += 1;
        proc = null;
        continue;
      }
      processes += 1;
      const uidText = one(set, 'u');
      const command = one(set, 'c');
      proc = {
        pid,
        command: command === undefined ? null : cleanName(command),
        uid: uidText !== undefined && /^\d{1,10}$/.test(uidText) ? Number(uidText) : null,
      };
      // lsof may put the first file's fields in the same line as the process (no NL between).
      if (!set.has('n')) continue;
    }
    const result = fileToListener(set, proc);
    if (result === 'skip') skipped += 1;
    else if (result !== null) listeners.push(result);
  }
  // lsof prints nothing at all when no socket is open; text without one process set is an error
  // message or another tool's output, not "nothing listening".
  if (processes === 0 && text.trim() !== '') {
    return unrecognized('no-table', `lsof printed no process records ("${sampleOf(text)}").`, skipped);
  }
  return { listeners: dedupeListeners(listeners), skipped };
}

/** One file set → a listener, null when it is a socket we do not list, 'skip' for garbage. */
function fileToListener(set: Fields, proc: LsofProcess | null): RawListener | null | 'skip' {
  const name = one(set, 'n');
  const proto = one(set, 'P');
  const type = one(set, 't');
  if (name === undefined || proc === null) return 'skip';
  let protocol: Protocol;
  if (proto === 'TCP') protocol = 'tcp';
  else if (proto === 'UDP') protocol = 'udp';
  else if (proto !== undefined && /^[A-Z0-9]+$/.test(proto)) return null;
  else return 'skip';

  const connected = name.includes('->');
  const stateField = (set.get('T') ?? []).find((t) => t.startsWith('ST='));
  if (protocol === 'tcp') {
    if (stateField !== undefined ? stateField !== 'ST=LISTEN' : connected) return null;
  } else if (connected) {
    return null; // a connected UDP socket is a client, not a listener
  }

  const ep = splitEndpoint(connected ? (name.split('->')[0] ?? '') : name);
  if (!ep) return 'skip';
  // `*:*`: a socket bound to no port (macOS prints it for every unbound UDP socket): not a listener.
  if (ep.portText === '*') return null;
  const port = parsePortText(ep.portText);
  if (port === null) return 'skip';
  // The family comes from the `t` field. Without it only IPv6 text proves the family: `*` and
  // IPv4 text are printed for IPv6 sockets too (dual-stack, v4-mapped), so they stay unknown.
  let family: Family | null;
  if (type === 'IPv4') family = 4;
  else if (type === 'IPv6') family = 6;
  else if (type === undefined) family = ep.bracketed || ep.host.includes(':') ? 6 : null;
  else return 'skip';
  const address = family === null ? unknownFamilyAddress(ep.host) : endpointAddress(ep.host, ep.zone, family);
  if (address === null) return 'skip';
  return rawListener({
    protocol,
    family,
    address,
    port,
    pid: proc.pid,
    processName: proc.command,
    uid: proc.uid,
  });
}
