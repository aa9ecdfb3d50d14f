import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import type { Family } from '../model/listener.js';
import { parseProcNet, PROC_NET_FILES } from './parse-proc-net.js';
import { parseSs } from './parse-ss.js';
import type { ParsedListeners } from './parse-util.js';

/**
 * Socket inode → family of every listener in `/proc/net/{tcp,tcp6,udp,udp6}`. Unreadable or
 * missing files add nothing: a socket not found stays "family unknown".
 */
export function procInodeFamilies(root = '/proc/net'): Map<string, Family> {
  const out = new Map<string, Family>();
  const little = endianness() === 'LE';
  for (const [file, protocol, family] of PROC_NET_FILES) {
    let text: string;
    try {
      text = readFileSync(`${root}/${file}`, 'latin1');
    } catch {
      continue;
    }
    for (const s of parseProcNet(text, protocol, family, little).sockets) out.set(s.inode, family);
  }
  return out;
}

/**
 * `ss` output read with outside evidence when the text alone cannot tell a `*` socket's family
 * (kernels without tcp_diag/udp_diag, e.g. gVisor: `ino:` but no `v6only:`). /proc/net is read
 * only then, so the usual scan costs nothing extra.
 */
export function parseSsWithProcEvidence(text: string, root = '/proc/net'): ParsedListeners {
  const first = parseSs(text);
  if (!first.listeners.some((l) => l.family === null)) return first;
  return parseSs(text, { inodeFamily: procInodeFamilies(root) });
}
