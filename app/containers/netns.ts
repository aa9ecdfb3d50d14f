import { readFileSync } from 'node:fs';
import type { Family, Protocol } from '../model/listener.js';
import { parseProcNet } from '../scan/parse-proc-net.js';

/** A socket listening inside a container's network namespace. */
export interface InsideSocket {
  readonly protocol: Protocol;
  readonly family: Family;
  readonly address: string;
  readonly port: number;
}

const FILES: readonly [string, Protocol, Family][] = [
  ['tcp', 'tcp', 4],
  ['tcp6', 'tcp', 6],
  ['udp', 'udp', 4],
  ['udp6', 'udp', 6],
];

/**
 * Reads the listeners of the network namespace `pid` lives in: `/proc/<pid>/net/*` shows that
 * process's namespace (proc(5)), so no setns and no helper inside the container. Needs root (or
 * the same user as the container's init); null when unreadable.
 */
export function readInsideSockets(pid: number, procRoot = '/proc'): InsideSocket[] | null {
  const out: InsideSocket[] = [];
  let readAny = false;
  for (const [file, protocol, family] of FILES) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${pid}/net/${file}`, 'latin1');
    } catch {
      continue;
    }
    readAny = true;
    for (const s of parseProcNet(text, protocol, family).sockets) {
      out.push({ protocol, family, address: s.address, port: s.port });
    }
  }
  return readAny ? out : null;
}
