import type { Family, Protocol } from '../model/listener.js';
import { compressIpv6 } from './address.js';
import { sampleOf, type ParseFailure } from './parse-util.js';

/** The files under /proc/net that hold listening sockets: name, protocol and family. */
export const PROC_NET_FILES = [
  ['tcp', 'tcp', 4],
  ['tcp6', 'tcp', 6],
  ['udp', 'udp', 4],
  ['udp6', 'udp', 6],
] as const;

/** One listening socket parsed from `/proc/net/{tcp,tcp6,udp,udp6}`. */
export interface ProcNetSocket {
  readonly protocol: Protocol;
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  readonly uid: number;
  readonly inode: string;
}

/** What {@link parseProcNet} read; `unrecognized` is set when the text is not a socket table. */
export interface ProcNetParse {
  readonly sockets: ProcNetSocket[];
  readonly skipped: number;
  readonly unrecognized?: ParseFailure;
}

/** TCP_LISTEN in the kernel's `st` column. */
const TCP_LISTEN = '0A';
/** TCP_CLOSE: for UDP, an unconnected socket (bound but not connected). */
const UDP_UNCONNECTED = '07';

/**
 * Parses the text of one `/proc/net/{tcp,tcp6,udp,udp6}` file and keeps the listeners: TCP in
 * LISTEN, UDP unconnected and bound to a port. Addresses are hex words in host byte order
 * (`littleEndian` true on x86/arm). Malformed lines are skipped and counted.
 * Format: https://www.kernel.org/doc/Documentation/networking/proc_net_tcp.txt
 */
export function parseProcNet(
  text: string,
  protocol: Protocol,
  family: Family,
  littleEndian = true,
): ProcNetParse {
  const sockets: ProcNetSocket[] = [];
  let skipped = 0;
  const lines = text.split('\n');
  // The kernel always prints the column header first: without it this is not the socket table
  // (an error text, another file), and "no sockets" would be a lie.
  if (!/^\s*sl\s+local_address\s/.test(lines[0] ?? '')) {
    return {
      sockets,
      skipped,
      unrecognized: { kind: 'no-table', reason: `Not a /proc/net socket table ("${sampleOf(text)}").` },
    };
  }
  // Every row ends with a newline: a last row without one was cut off (its inode may read 2329
  // instead of 2329890), so it is dropped and counted, never trusted.
  const tail = lines.pop() ?? '';
  if (lines.length === 0) {
    // Cut off inside the header: the table itself never arrived.
    return {
      sockets,
      skipped: 1,
      unrecognized: { kind: 'no-table', reason: 'The /proc/net socket table was cut off in its header.' },
    };
  }
  if (tail.trim() !== '') skipped += 1;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i];
    if (!line || line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    const local = f[1];
    const remote = f[2];
    const state = f[3];
    const uid = f[7];
    const inode = f[9];
    if (
      !local ||
      !remote ||
      !state ||
      uid === undefined ||
      inode === undefined ||
      !/^\d+$/.test(inode) ||
      !/^\d+$/.test(uid)
    ) {
      skipped += 1;
      continue;
    }
    const parsed = parseEndpoint(local, family, littleEndian);
    if (!parsed) {
      skipped += 1;
      continue;
    }
    if (protocol === 'tcp') {
      if (state !== TCP_LISTEN) continue;
    } else {
      if (state !== UDP_UNCONNECTED || parsed.port === 0) continue;
      if (!remote.endsWith(':0000')) continue;
    }
    if (inode === '0') continue; // a socket being torn down: no owner to find
    sockets.push({ protocol, family, address: parsed.address, port: parsed.port, uid: Number(uid), inode });
  }
  return { sockets, skipped };
}

function parseEndpoint(
  text: string,
  family: Family,
  littleEndian: boolean,
): { address: string; port: number } | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const hex = text.slice(0, colon);
  const portHex = text.slice(colon + 1);
  if (!/^[0-9A-Fa-f]{4}$/.test(portHex)) return null;
  const port = Number.parseInt(portHex, 16);
  if (family === 4) {
    if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
    const bytes = wordBytes(hex, littleEndian);
    return { address: bytes.join('.'), port };
  }
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < 4; w += 1) bytes.push(...wordBytes(hex.slice(w * 8, w * 8 + 8), littleEndian));
  const groups: string[] = [];
  for (let g = 0; g < 8; g += 1)
    groups.push((((bytes[g * 2] ?? 0) << 8) | (bytes[g * 2 + 1] ?? 0)).toString(16));
  return { address: compressIpv6(groups.join(':')), port };
}

/** The 4 bytes of one 32-bit hex word in network order. */
function wordBytes(word: string, littleEndian: boolean): number[] {
  const b = [0, 2, 4, 6].map((i) => Number.parseInt(word.slice(i, i + 2), 16));
  return littleEndian ? b.reverse() : b;
}
