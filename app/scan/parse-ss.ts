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
 * The argv we run: `-H` no header, `-t`/`-u` TCP and UDP, `-l` listening (TCP LISTEN, UDP
 * UNCONN), `-n` numeric, `-p` owning processes, `-e` socket inode, uid and `v6only` (the inode
 * matches procfs/netlink socket ids, `v6only` tells a dual-stack `*` from IPv4).
 * https://man7.org/linux/man-pages/man8/ss.8.html
 */
export const SS_ARGS: readonly string[] = ['-Htulnpe'];

const FIRST_SIX = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/;
const FIRST_FIVE = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/;
/**
 * One `("name",pid=N,fd=N)` entry, or `("name",N,N)` from iproute2 before 3.15. ss prints the name unescaped, but cuts it at the first `)`
 * (it reads /proc/PID/stat with `%[^)]`), so the lazy name plus the required `)` after the fd is
 * unambiguous for every name ss can print.
 */
const USER_ENTRY = /\("(.*?)",(?:pid=)?(\d+),(?:fd=)?(\d+)\)/y;

interface SsUser {
  readonly name: string;
  readonly pid: number;
}

/** Parses the `users:((…),(…))` block at the start of `text`; null when it is malformed. */
function parseUsers(text: string): { users: SsUser[]; rest: string } | null {
  const prefix = 'users:(';
  if (!text.startsWith(prefix)) return null;
  const users: SsUser[] = [];
  let i = prefix.length;
  for (;;) {
    USER_ENTRY.lastIndex = i;
    const m = USER_ENTRY.exec(text);
    if (!m) return null;
    const pid = parsePidText(m[2] ?? '');
    if (pid === null) return null;
    users.push({ name: cleanName(m[1] ?? ''), pid });
    i = USER_ENTRY.lastIndex;
    const next = text[i];
    if (next === ',') {
      i += 1;
      continue;
    }
    if (next === ')') return { users, rest: text.slice(i + 1) };
    return null;
  }
}

/** Reads `key:value` details printed by `-e` (`uid:1000 ino:12345 sk:… v6only:1`). */
function parseDetails(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const token of text.trim().split(/\s+/)) {
    const m = /^(uid|ino|v6only):(\d+)$/.exec(token);
    if (m?.[1] && m[2] !== undefined) out.set(m[1], m[2]);
  }
  return out;
}

/**
 * Which ss printed this, from the text itself. Old ss (before iproute2 4.17) printed the IPv4
 * wildcard as `*` and IPv6 without brackets (`:::22`); newer ss prints `0.0.0.0`, brackets for
 * IPv6, and `*` only for an IPv6 any-address that is not v6only (iproute2 misc/ss.c,
 * inet_addr_print). `unknown`: only `*` forms, which both print (gVisor, some containers).
 */
function ssGeneration(text: string): 'old' | 'new' | 'unknown' {
  if (text.includes('[') || /\s0\.0\.0\.0(%\S+)?:\d/.test(text) || text.includes('v6only:')) return 'new';
  if (/\s:::\d/.test(text)) return 'old';
  return 'unknown';
}

/** Evidence from outside the ss output. */
export interface SsEvidence {
  /**
   * Socket inode → family, from `/proc/net/{tcp,udp}` (4) and `{tcp6,udp6}` (6): settles `*`
   * sockets that ss printed without `v6only` (kernels without tcp_diag/udp_diag).
   */
  readonly inodeFamily?: ReadonlyMap<string, Family>;
}

/**
 * Parses `ss -Htulnp` / `ss -Htulnpe` output into TCP LISTEN and UDP UNCONN listeners. A socket
 * shared by several processes (forked workers, SO_REUSEPORT) yields one listener per distinct pid;
 * a socket printed without `users:` (another user's, when not root) has pid null. Garbage and
 * truncated lines are counted in `skipped`, never thrown.
 */
export function parseSs(text: string, evidence: SsEvidence = {}): ParsedListeners {
  const ctx: LineContext = { generation: ssGeneration(text), inodeFamily: evidence.inodeFamily };
  const listeners: RawListener[] = [];
  let skipped = 0;
  let rows = 0;
  const lines = text.split('\n');
  // ss ends every line with a newline: a last line without one was cut off (a pid or inode in it
  // may be cut short), so it is counted, not trusted.
  const tail = lines.pop() ?? '';
  if (tail.trim() !== '') skipped += 1;
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (/^\s*(Netid|State)\s+/.test(line)) {
      rows += 1; // a header, when run without -H: a real (maybe empty) table
      continue;
    }
    // ss never prints NUL (a process name cannot hold one): such a line is corrupt, not trusted.
    const parsed = line.includes('\0') ? null : parseSsLine(line, ctx);
    if (parsed === null) skipped += 1;
    else {
      rows += 1;
      listeners.push(...parsed);
    }
  }
  // `ss -H` prints nothing when nothing listens; text without a single ss row is something else.
  if (rows === 0 && skipped > 0) {
    return unrecognized('no-table', `ss printed no socket rows ("${sampleOf(text)}").`, skipped);
  }
  return { listeners: dedupeListeners(listeners), skipped };
}

interface LineContext {
  readonly generation: 'old' | 'new' | 'unknown';
  readonly inodeFamily: ReadonlyMap<string, Family> | undefined;
}

/**
 * The family of a `*` socket: `v6only` printed → IPv6; the inode found in /proc/net → that
 * file's family; otherwise what this ss generation means by `*`; null when nothing tells.
 */
function wildcardFamily(d: Map<string, string>, ctx: LineContext): Family | null {
  if (d.has('v6only')) return 6;
  const ino = d.get('ino');
  const known = ino === undefined ? undefined : ctx.inodeFamily?.get(ino);
  if (known !== undefined) return known;
  if (ctx.generation === 'new') return 6;
  if (ctx.generation === 'old') return 4;
  return null;
}

/** One line → its listeners, `[]` for a socket we do not list (ESTAB, …), null for garbage. */
function parseSsLine(line: string, ctx: LineContext): RawListener[] | null {
  let netid: string;
  let state: string;
  let local: string;
  let rest: string;
  const six = FIRST_SIX.exec(line);
  const startsWithState = /^\s*(LISTEN|UNCONN)\s/.test(line);
  if (six && !startsWithState) {
    [, netid = '', state = '', , , local = '', , rest = ''] = six;
  } else {
    // ss omits the Netid column when only one protocol was asked for (`ss -Hltnp`).
    const five = FIRST_FIVE.exec(line);
    if (!five) return null;
    [, state = '', , , local = '', , rest = ''] = five;
    netid = state === 'LISTEN' ? 'tcp' : state === 'UNCONN' ? 'udp' : '';
  }
  let protocol: Protocol;
  if (netid === 'tcp' && state === 'LISTEN') protocol = 'tcp';
  else if (netid === 'udp' && state === 'UNCONN') protocol = 'udp';
  else if (/^(tcp|udp)$/.test(netid) && /^[A-Z][A-Z0-9_-]*$/.test(state)) return [];
  else return null;

  let users: SsUser[] = [];
  let details = rest;
  if (rest.startsWith('users:')) {
    const u = parseUsers(rest);
    if (u === null) return null; // truncated or mangled users block
    users = u.users;
    details = u.rest;
  }
  const d = parseDetails(details);

  const ep = splitEndpoint(local);
  if (!ep) return null;
  const port = parsePortText(ep.portText);
  if (port === null) return null;
  let family: Family | null;
  if (ep.host === '*') family = wildcardFamily(d, ctx);
  else family = ep.bracketed || ep.host.includes(':') ? 6 : 4;
  const address = family === null ? unknownFamilyAddress('*') : endpointAddress(ep.host, ep.zone, family);
  if (address === null) return null;

  const ino = d.get('ino');
  // ss -e prints `uid:N` only when N is not 0 (iproute2 misc/ss.c, sock_details_print).
  const uidText = d.get('uid') ?? (ino !== undefined ? '0' : undefined);
  const uid = uidText === undefined ? null : Number.parseInt(uidText, 10);
  const socketId = ino !== undefined && ino !== '0' ? ino : null;

  if (users.length === 0) return [rawListener({ protocol, family, address, port, socketId, uid })];
  const byPid = new Map<number, string>();
  for (const u of users) if (!byPid.has(u.pid)) byPid.set(u.pid, u.name);
  return [...byPid].map(([pid, processName]) =>
    rawListener({ protocol, family, address, port, socketId, uid, pid, processName }),
  );
}
