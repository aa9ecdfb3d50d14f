import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinuxScanner } from './linux-scanner.js';
import type { ProcFs } from './socket-owners.js';

const HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
/** One /proc/net/tcp LISTEN line for 127.0.0.1:`port` (little-endian address, as on x86 and arm64). */
const line = (i: number, port: number, inode: number) =>
  `   ${i}: 0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

describe('the Linux scanner in the steady state (issue 14 item 4)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('hands back the same listener list while nothing changed, and a new one as soon as a socket or owner does', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hm-procnet-'));
    dirs.push(root);
    const write = (lines: string) => {
      writeFileSync(join(root, 'tcp'), HEADER + lines);
      for (const f of ['tcp6', 'udp', 'udp6']) writeFileSync(join(root, f), HEADER);
    };
    // pid → its socket inodes; a process that exits drops out of listPids.
    const procs = new Map<number, string[]>([
      [10, ['111']],
      [11, ['111', '222']],
    ]);
    const fs: ProcFs = {
      listPids: () => [...procs.keys()],
      listFds: (pid) => (procs.get(pid) ?? []).map((_, i) => String(i)),
      readLink: (path) => `socket:[${procs.get(Number(path.split('/')[2]))?.[Number(path.split('/')[4])]}]`,
      readStat: (pid) => `${pid} (x) S ${pid === 11 ? 10 : 1} 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1000 0`,
      pidNamespace: () => 'initial',
    };
    write(line(0, 3000, 111) + line(1, 3001, 222));
    const scanner = createLinuxScanner({ listing: 'procfs', procNetRoot: root, owners: { fs } });
    const scan = async () => {
      const r = await scanner.scan();
      if (!r.ok) throw new Error(r.error.message);
      return r.listeners;
    };
    const first = await scan();
    expect(first.map((l) => [l.port, l.pid])).toEqual([
      [3000, 10],
      [3001, 11],
    ]);
    expect(await scan()).toBe(first);
    // A socket closed: a new list, the unchanged socket still the same object.
    write(line(0, 3000, 111));
    const second = await scan();
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]);
    expect(await scan()).toBe(second);
    // Its owner exited and the forked child holds it now: the list says so.
    procs.delete(10);
    const third = await scan();
    expect(third).not.toBe(second);
    expect(third.map((l) => [l.port, l.pid])).toEqual([[3000, 11]]);
  });
});
