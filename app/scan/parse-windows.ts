import type { Family, Protocol } from '../model/listener.js';
import type { RawListener } from './types.js';
import {
  dedupeListeners,
  endpointAddress,
  parsePidText,
  parsePortText,
  rawListener,
  sampleOf,
  splitEndpoint,
  unrecognized,
  type ParsedListeners,
} from './parse-util.js';

/** The argv for `%SystemRoot%\System32\netstat.exe`: all sockets, numeric, with the owning pid. */
export const NETSTAT_ARGS: readonly string[] = ['-ano'];

/** Line that separates the TCP and the UDP JSON in {@link WINDOWS_POWERSHELL_SCRIPT} output. */
export const POWERSHELL_SECTION_MARKER = '#harbormaster-udp#';

/**
 * One PowerShell run printing the TCP listeners, the marker line, then the UDP endpoints, each as
 * JSON. `-State Listen` filters in the NetTCPIP provider. Fixed text: nothing from outside is
 * interpolated. https://learn.microsoft.com/powershell/module/nettcpip/get-nettcpconnection
 */
export const WINDOWS_POWERSHELL_SCRIPT = [
  "$ErrorActionPreference = 'SilentlyContinue'",
  'Get-NetTCPConnection -State Listen | Select-Object LocalAddress,LocalPort,OwningProcess,State | ConvertTo-Json -Compress',
  `'${POWERSHELL_SECTION_MARKER}'`,
  'Get-NetUDPEndpoint | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json -Compress',
].join('; ');

/** `0.0.0.0:0` / `[::]:0`: the foreign address netstat prints for a listening TCP socket. */
const LISTEN_FOREIGN = /^(0\.0\.0\.0|\[::\]):0$/;

/**
 * Parses `netstat -ano` (any Windows display language) into TCP listeners and UDP endpoints.
 * Locale-independent by design: the state word is translated ("LISTENING", "ABHÖREN", "ÉCOUTE",
 * …) and the console code page may garble it, so a TCP line is a listener when its foreign
 * address is `0.0.0.0:0` or `[::]:0`, and a UDP line when it is `*:*`. Headers in any language
 * are ignored; TCP/UDP lines that cannot be read are counted in `skipped`.
 */
export function parseNetstatAno(text: string): ParsedListeners {
  const listeners: RawListener[] = [];
  let skipped = 0;
  let rows = 0;
  const lines = text.split(/\r?\n/);
  // netstat ends every line with a newline: a last line without one was cut off mid-way (its pid
  // may be cut short too), so it is counted, not trusted.
  const tail = lines.pop() ?? '';
  if (/^\s*(TCP|UDP)\s/i.test(tail)) {
    skipped += 1;
    rows += 1;
  }
  for (const line of lines) {
    const tokens = line.trim().split(/\s+/);
    const proto = tokens[0]?.toUpperCase();
    if (proto !== 'TCP' && proto !== 'UDP') continue; // headers, titles, blank lines
    rows += 1;
    const result = netstatLine(proto === 'TCP' ? 'tcp' : 'udp', tokens);
    if (result === 'skip') skipped += 1;
    else if (result !== null) listeners.push(result);
  }
  // Windows always has sockets (RPC on 135 at least): output without a single TCP/UDP row is an
  // error text, a header whose rows were lost, or bytes in an encoding we did not decode.
  if (rows === 0) {
    return unrecognized('no-table', `netstat printed no socket table ("${sampleOf(text)}").`, skipped);
  }
  return { listeners: dedupeListeners(listeners), skipped };
}

function netstatLine(protocol: Protocol, tokens: readonly string[]): RawListener | null | 'skip' {
  // TCP: proto local foreign state… pid (the state may be several words or empty in some locales);
  // UDP: proto local *:* pid.
  if (tokens.length < 4) return 'skip';
  const local = tokens[1] ?? '';
  const foreign = tokens[2] ?? '';
  const pidText = tokens[tokens.length - 1] ?? '';
  if (!/^\d+$/.test(pidText)) return 'skip';
  if (protocol === 'tcp' && !LISTEN_FOREIGN.test(foreign)) {
    return /:\d+$/.test(foreign) ? null : 'skip';
  }
  if (protocol === 'udp' && foreign !== '*:*') return /:/.test(foreign) ? null : 'skip';
  const ep = splitEndpoint(local);
  if (!ep) return 'skip';
  const port = parsePortText(ep.portText);
  if (port === null) return 'skip';
  const family: Family = ep.bracketed || ep.host.includes(':') ? 6 : 4;
  const address = endpointAddress(ep.host, ep.zone, family);
  if (address === null) return 'skip';
  // pid 0 is the idle process: no owner to show.
  return rawListener({ protocol, family, address, port, pid: parsePidText(pidText) });
}

/** Parses PowerShell `ConvertTo-Json` text: one object, an array, or nothing. Null when invalid. */
function jsonRecords(json: string): unknown[] | null {
  const text = json.replace(/^\uFEFF/, '').trim();
  if (text === '') return [];
  try {
    const value: unknown = JSON.parse(text);
    if (value === null) return [];
    return Array.isArray(value) ? value : [value];
  } catch {
    return null;
  }
}

/** Number from a JSON field that PowerShell may print as a number or a numeric string. */
function jsonInt(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{1,10}$/.test(v)) return Number.parseInt(v, 10);
  return null;
}

function endpointRecords(
  json: string,
  protocol: Protocol,
  keep: (rec: Record<string, unknown>) => boolean,
): ParsedListeners {
  const records = jsonRecords(json);
  if (records === null) return { listeners: [], skipped: 1 };
  const listeners: RawListener[] = [];
  let skipped = 0;
  for (const rec of records) {
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      skipped += 1;
      continue;
    }
    const r = rec as Record<string, unknown>;
    if (!keep(r)) continue;
    const host = typeof r['LocalAddress'] === 'string' ? r['LocalAddress'] : null;
    const portNum = jsonInt(r['LocalPort']);
    const port = portNum === null ? null : parsePortText(String(portNum));
    const pidNum = jsonInt(r['OwningProcess']);
    if (host === null || port === null || (r['OwningProcess'] != null && pidNum === null)) {
      skipped += 1;
      continue;
    }
    const zoneAt = host.indexOf('%');
    const bare = zoneAt >= 0 ? host.slice(0, zoneAt) : host;
    const family: Family = bare.includes(':') ? 6 : 4;
    const address = endpointAddress(bare, zoneAt >= 0 ? host.slice(zoneAt + 1) : null, family);
    if (address === null) {
      skipped += 1;
      continue;
    }
    const pid = pidNum !== null && pidNum > 0 ? pidNum : null;
    listeners.push(rawListener({ protocol, family, address, port, pid }));
  }
  return { listeners: dedupeListeners(listeners), skipped };
}

/**
 * Parses `Get-NetTCPConnection -State Listen | Select-Object LocalAddress,LocalPort,OwningProcess,
 * State | ConvertTo-Json`. Accepts one object, an array or empty output; `State` may be the enum
 * number (2 = Listen) or its name, and rows in any other state are dropped.
 * https://learn.microsoft.com/previous-versions/windows/desktop/nettcpipprov/msft-nettcpconnection
 */
export function parseGetNetTcpConnection(json: string): ParsedListeners {
  return endpointRecords(json, 'tcp', (r) => {
    const state = r['State'];
    return state === undefined || state === null || state === 2 || state === 'Listen' || state === '2';
  });
}

/** Parses `Get-NetUDPEndpoint | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json`. */
export function parseGetNetUdpEndpoint(json: string): ParsedListeners {
  return endpointRecords(json, 'udp', () => true);
}

/**
 * The JSON inside one section of PowerShell output: from the first line that starts with `[` or
 * `{` to the last that ends with `]` or `}`. Anything around it (`WARNING: …`, progress text, a
 * module-load error) is counted as skipped, not allowed to spoil the JSON.
 */
function jsonSection(lines: readonly string[]): { json: string; skipped: number; found: boolean } {
  const first = lines.findIndex((l) => /^\s*[[{]/.test(l));
  let last = -1;
  for (let i = lines.length - 1; i >= Math.max(first, 0); i -= 1) {
    if (/[\]}]\s*$/.test(lines[i] ?? '')) {
      last = i;
      break;
    }
  }
  const nonBlank = (ls: readonly string[]): number => ls.filter((l) => l.trim() !== '').length;
  if (first < 0 || last < 0) return { json: '', skipped: nonBlank(lines), found: false };
  const outside = nonBlank(lines.slice(0, first)) + nonBlank(lines.slice(last + 1));
  return { json: lines.slice(first, last + 1).join('\n'), skipped: outside, found: true };
}

/**
 * Parses the combined output of {@link WINDOWS_POWERSHELL_SCRIPT}. A missing marker is one skip;
 * output with neither the marker nor any JSON (an error text) is unrecognised, not "no ports".
 */
export function parseWindowsPowerShellScan(text: string): ParsedListeners {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() === POWERSHELL_SECTION_MARKER);
  const tcpPart = jsonSection(at < 0 ? lines : lines.slice(0, at));
  if (at < 0) {
    if (!tcpPart.found) {
      return unrecognized('not-json', `PowerShell printed no JSON ("${sampleOf(text)}").`, tcpPart.skipped);
    }
    const tcp = parseGetNetTcpConnection(tcpPart.json);
    return { listeners: tcp.listeners, skipped: tcp.skipped + tcpPart.skipped + 1 };
  }
  const udpPart = jsonSection(lines.slice(at + 1));
  const tcp = parseGetNetTcpConnection(tcpPart.json);
  const udp = parseGetNetUdpEndpoint(udpPart.json);
  return {
    listeners: [...tcp.listeners, ...udp.listeners],
    skipped: tcp.skipped + udp.skipped + tcpPart.skipped + udpPart.skipped,
  };
}
