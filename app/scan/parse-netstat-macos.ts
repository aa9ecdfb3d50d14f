import type { Family, Protocol } from '../model/listener.js';
import type { RawListener } from './types.js';
import {
  dedupeListeners,
  endpointAddress,
  parsePidText,
  parsePortText,
  rawListener,
  sampleOf,
  unrecognized,
  type ParsedListeners,
} from './parse-util.js';

/**
 * The argv for macOS `/usr/sbin/netstat`: `-a` servers too, `-n` numeric, `-v` the owning pid
 * (a plain `pid` column on older macOS, a `process:pid` column on newer), `-W` never cut
 * addresses. No root needed: the pid comes with every socket. https://keith.github.io/xcode-man-pages/netstat.1.html
 */
export const MACOS_NETSTAT_ARGS: readonly string[] = ['-anvW'];

const PROTO = /^(tcp|udp)(4|6|46)$/;

/**
 * `127.0.0.1.3000`, `*.8080`, `::1.5432`, `fe80::1%lo0.5353`: the port follows the last dot.
 * Returns null for garbage; port null for `*` (not bound to a port).
 */
function splitDotted(text: string): { host: string; zone: string | null; portText: string } | null {
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return null;
  let host = text.slice(0, dot);
  const portText = text.slice(dot + 1);
  let zone: string | null = null;
  const pct = host.indexOf('%');
  if (pct >= 0) {
    zone = host.slice(pct + 1);
    host = host.slice(0, pct);
    if (!/^[\w.-]{1,64}$/.test(zone)) return null;
  }
  return host === '' ? null : { host, zone, portText };
}

/** Where the pid is: a `name:pid` token (newer macOS) or the header's `pid` column (older). */
function findPid(
  tokens: readonly string[],
  pidColumn: number | null,
  hasState: boolean,
): { pid: number | null; found: boolean } {
  for (let i = tokens.length - 1; i >= 5; i -= 1) {
    const m = /^(.+):(\d{1,10})$/.exec(tokens[i] ?? '');
    // The name may hold spaces (`Code Helper:812` is two tokens): only the pid is taken; the
    // owner resolver names the process.
    if (m) return { pid: parsePidText(m[2] ?? ''), found: true };
  }
  if (pidColumn === null) return { pid: null, found: false };
  // UDP rows print no (state), so every later column sits one token to the left.
  const text = tokens[hasState ? pidColumn : pidColumn - 1] ?? '';
  return { pid: parsePidText(text), found: /^\d{1,10}$/.test(text) };
}

/**
 * Parses macOS `netstat -anvW` into TCP LISTEN and unconnected, bound UDP sockets with their pids.
 * `tcp46`/`udp46` is one dual-stack IPv6 socket (`*` → `::`). Sections other than the Internet
 * one (UNIX sockets, kernel controls) are ignored; output without the Internet table's header is
 * unrecognised, never "nothing listening".
 */
export function parseMacosNetstat(text: string): ParsedListeners {
  const listeners: RawListener[] = [];
  let skipped = 0;
  let pidColumn: number | null = null;
  let sawHeader = false;
  const lines = text.split('\n');
  // netstat ends every line with a newline: a last line without one was cut off.
  const tail = lines.pop() ?? '';
  if (PROTO.test(tail.trim().split(/\s+/)[0] ?? '')) skipped += 1;
  for (const line of lines) {
    if (/^Proto\s/.test(line) && line.includes('Local Address')) {
      sawHeader = true;
      const cols = line.replace('Local Address', 'Local').replace('Foreign Address', 'Foreign').split(/\s+/);
      const at = cols.indexOf('pid');
      pidColumn = at >= 0 ? at : null;
      continue;
    }
    const tokens = line.trim().split(/\s+/);
    const proto = PROTO.exec(tokens[0] ?? '');
    if (!proto) continue; // titles, other sections, blank lines
    const result = netstatRow(tokens, proto[1] === 'tcp' ? 'tcp' : 'udp', proto[2] ?? '', pidColumn);
    if (result === 'skip') skipped += 1;
    else if (result !== null) listeners.push(result);
  }
  if (!sawHeader) {
    return unrecognized(
      'no-table',
      `netstat printed no Internet socket table ("${sampleOf(text)}").`,
      skipped,
    );
  }
  return { listeners: dedupeListeners(listeners), skipped };
}

function netstatRow(
  tokens: readonly string[],
  protocol: Protocol,
  familyText: string,
  pidColumn: number | null,
): RawListener | null | 'skip' {
  if (tokens.length < 5) return 'skip';
  const local = splitDotted(tokens[3] ?? '');
  const foreign = tokens[4] ?? '';
  if (!local || !/\.(\*|\d+)$/.test(foreign)) return 'skip';
  const hasState = protocol === 'tcp';
  if (protocol === 'tcp' && tokens[5] !== 'LISTEN')
    return /^[A-Z_0-9]+$/.test(tokens[5] ?? '') ? null : 'skip';
  if (protocol === 'udp' && foreign !== '*.*') return null; // a connected UDP socket is a client
  if (local.portText === '*') return null; // not bound to a port
  const port = parsePortText(local.portText);
  if (port === null) return 'skip';
  const family: Family = familyText === '4' ? 4 : 6;
  const address = endpointAddress(local.host, local.zone, family);
  if (address === null) return 'skip';
  const who = findPid(tokens, pidColumn, hasState);
  if (!who.found) return 'skip';
  return rawListener({ protocol, family, address, port, pid: who.pid });
}
