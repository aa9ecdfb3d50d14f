import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePsOwners } from '../owners/ps-owners.js';
import { decodeToolOutput } from './decode-output.js';
import { createFallbackScanner } from './fallback-scanner.js';
import { LSOF_ARGS, parseLsofF } from './parse-lsof.js';
import { parseProcNet } from './parse-proc-net.js';
import { parseSs } from './parse-ss.js';
import { parseNetstatAno, parseWindowsPowerShellScan } from './parse-windows.js';
import { createSsScanner } from './ss-scanner.js';
import { createStandInTools, type StandInTools } from './test-support/stand-in-tool.js';
import type { RawListener } from './types.js';
import type { OwnerResolver } from '../owners/types.js';
import { createSnapshotter } from '../watch/snapshotter.js';
import { err } from '../model/errors.js';
import { createWindowsScanner } from './windows-scanner.js';

/** Issue 17: each numbered failure seen on outputs captured on real machines, with its fix. */
const bytes = (dir: string, name: string): Buffer =>
  readFileSync(new URL(`./fixtures/${dir}/${name}`, import.meta.url));
const text = (dir: string, name: string): string => decodeToolOutput(bytes(dir, name));
const show = (ls: readonly RawListener[]): string[] =>
  ls.map((l) => `${l.protocol}${l.family ?? '?'} ${l.address} ${l.port} pid=${l.pid ?? '-'}`).sort();

const NETSTAT_EN = [
  'tcp4 0.0.0.0 135 pid=1020',
  'tcp4 0.0.0.0 445 pid=4',
  'tcp4 127.0.0.1 3000 pid=15872',
  'tcp4 192.168.1.20 139 pid=4',
  'tcp6 :: 135 pid=1020',
  'tcp6 ::1 5432 pid=6120',
  'udp4 0.0.0.0 5353 pid=2460',
  'udp4 127.0.0.1 1900 pid=3456',
  'udp6 :: 5353 pid=2460',
  'udp6 fe80::1c2d:3e4f:5a6b:7c8d%12 1900 pid=3456',
].sort();

/** Owners are not what these tests look at: every pid resolves to "vanished". */
const noOwners: OwnerResolver = {
  resolve: async (pids) => new Map(pids.map((p) => [p, err('ESRCH', 'gone')] as const)),
  readIdentity: async () => err('ESRCH', 'gone'),
  userName: () => null,
};

const utf16le = (s: string, bom: boolean): Buffer =>
  Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, 'utf16le')]);

describe('1. unreadable Windows netstat output is a failed scan, not "nothing listening"', () => {
  const en = bytes('windows', 'netstat-en.txt').toString('latin1');

  it.each([true, false])('decodes UTF-16LE netstat output (BOM: %s) and reads every row', (bom) => {
    const parsed = parseNetstatAno(decodeToolOutput(utf16le(en, bom)));
    expect(parsed.unrecognized).toBeUndefined();
    expect(show(parsed.listeners)).toEqual(NETSTAT_EN);
  });

  it('decodes the OEM code page (850), so the German state word reads ABHÖREN', () => {
    expect(text('windows', 'netstat-de-cp850.txt')).toContain('ABHÖREN');
  });

  it.each(['netstat-fr-header-only.txt', 'netstat-error-de.txt'])(
    'reports %s as unrecognised, with a reason',
    (name) => {
      const parsed = parseNetstatAno(text('real-world', name));
      expect(parsed.listeners).toEqual([]);
      expect(parsed.unrecognized?.kind).toBe('no-table');
      expect(parsed.unrecognized?.reason).toMatch(/netstat/);
    },
  );

  describe('through the scanner and the fallback chain', () => {
    let tools: StandInTools;
    beforeAll(() => {
      tools = createStandInTools();
    });
    afterAll(() => tools.remove());

    it('fails the netstat scan on an error message and falls back to PowerShell', async () => {
      const netstat = tools.printing('netstat-err', bytes('real-world', 'netstat-error-de.txt'));
      const ps = tools.printing('powershell', bytes('windows', 'windows-powershell-scan.txt'));
      const alone = await createWindowsScanner({ toolPath: netstat }).scan();
      expect(alone.ok).toBe(false);
      expect(!alone.ok && alone.error.code).toBe('SCAN_FAILED');
      const chain = createFallbackScanner([
        createWindowsScanner({ toolPath: netstat }),
        createWindowsScanner({ variant: 'powershell', toolPath: ps }),
      ]);
      const outcome = await chain.scan();
      expect(outcome.backend).toBe('windows-powershell');
      expect(outcome.ok && outcome.listeners).toHaveLength(9);
      expect(outcome.ok && outcome.notes.map((n) => n.code)).toContain('FALLBACK');
    });

    it('reads UTF-16LE bytes printed by the tool', async () => {
      const netstat = tools.printing('netstat-u16', utf16le(en, true));
      const outcome = await createWindowsScanner({ toolPath: netstat }).scan();
      expect(outcome.ok && show(outcome.listeners)).toEqual(NETSTAT_EN);
    });
  });

  it('makes the snapshot say "scan failed", never "no ports", for an error message', async () => {
    const tools = createStandInTools();
    try {
      const netstat = tools.printing('netstat-err2', bytes('real-world', 'netstat-error-de.txt'));
      const snapshotter = createSnapshotter({
        scanner: createWindowsScanner({ toolPath: netstat }),
        owners: noOwners,
      });
      expect(await snapshotter.take()).toMatchObject({
        status: 'failed',
        listeners: [],
        error: { code: 'SCAN_FAILED' },
      });
    } finally {
      tools.remove();
    }
  });

  it('finds the same "garbage = empty" path closed in ss, lsof, PowerShell and procfs', () => {
    const garbage = 'Error: something went wrong\nusage: tool [options]\n';
    expect(
      parseSs(garbage).unrecognized?.kind ?? (parseSs(garbage).skipped > 0 ? 'skipped' : 'none'),
    ).not.toBe('none');
    expect(parseLsofF("lsof: WARNING: can't stat() fuse file system\n").unrecognized?.kind).toBe('no-table');
    expect(parseWindowsPowerShellScan('Get-NetTCPConnection : Access denied\n').unrecognized?.kind).toBe(
      'not-json',
    );
    const proc = parseProcNet('cat: /proc/net/tcp: Permission denied\n', 'tcp', 4);
    expect(proc.unrecognized?.kind).toBe('no-table');
    // A real table with no rows is a real "nothing listening".
    expect(parseProcNet(`${text('procfs', 'tcp.txt').split('\n')[0] ?? ''}\n`, 'tcp', 4)).toEqual({
      sockets: [],
      skipped: 0,
    });
    expect(parseSs('')).toEqual({ listeners: [], skipped: 0 });
  });
});

describe('2. ss without v6only: the family comes from evidence, never a guess', () => {
  it('does not read a gVisor `*:47003` socket (ino, no v6only) as IPv4', () => {
    const parsed = parseSs(text('real-world', 'ss-gvisor-e.txt'));
    expect(parsed.listeners.filter((l) => l.family === 4)).toEqual([]);
  });

  it('marks the family unknown when the output alone cannot tell', () => {
    const parsed = parseSs(text('real-world', 'ss-gvisor-e.txt'));
    expect(show(parsed.listeners)).toEqual(['tcp? * 47003 pid=20374', 'udp? * 5353 pid=20375']);
  });

  it('reads IPv6 from the inode cross-check with /proc/net/tcp6 and udp6', () => {
    const parsed = parseSs(text('real-world', 'ss-gvisor-e.txt'), {
      inodeFamily: new Map([
        ['232699', 6],
        ['232700', 4],
      ]),
    });
    expect(show(parsed.listeners)).toEqual(['tcp6 :: 47003 pid=20374', 'udp4 0.0.0.0 5353 pid=20375']);
  });

  it('reads `*` as IPv6 when the same output prints IPv4 wildcards as 0.0.0.0 (iproute2 ≥ 4.17)', () => {
    const gv = text('real-world', 'ss-gvisor-e.txt');
    const withV4 = `${gv}tcp   LISTEN 0      0             0.0.0.0:22          0.0.0.0:*    ino:5 sk:1\n`;
    expect(show(parseSs(withV4).listeners)).toContain('tcp6 :: 47003 pid=20374');
    expect(show(parseSs(withV4).listeners)).toContain('tcp4 0.0.0.0 22 pid=-');
  });
});

describe('2. real ss forced onto /proc (PROC_NET_TCP…), as on kernels without tcp_diag', () => {
  const ss = '/usr/bin/ss';
  const hasSs = existsSync(ss);
  if (!hasSs) console.log(`skipped: ${ss} is not installed (iproute2)`);
  let tools: StandInTools;
  let proc: string;
  let empty: string;
  beforeAll(() => {
    tools = createStandInTools();
    proc = join(tools.dir, 'parsers-proc-net');
    empty = join(tools.dir, 'parsers-no-proc');
    mkdirSync(proc);
    mkdirSync(empty);
    const corpus = (f: string): string => text('corpus/linux', `procfs-linux-6.18-${f}.txt`);
    // Only the IPv6 files hold sockets, so ss prints nothing but `*` forms: no text evidence.
    writeFileSync(join(proc, 'tcp'), `${corpus('tcp').split('\n')[0] ?? ''}\n`);
    writeFileSync(join(proc, 'udp'), `${corpus('udp').split('\n')[0] ?? ''}\n`);
    writeFileSync(join(proc, 'tcp6'), corpus('tcp6'));
    writeFileSync(join(proc, 'udp6'), corpus('udp6'));
  });
  afterAll(() => tools.remove());

  const wrapper = (): string =>
    tools.script(
      'ss-on-proc',
      ['tcp', 'tcp6', 'udp', 'udp6']
        .map((f) => `PROC_NET_${f.toUpperCase()}='${join(proc, f)}'; export PROC_NET_${f.toUpperCase()}`)
        .concat([`exec ${ss} "$@"`])
        .join('\n'),
    );

  it.skipIf(!hasSs)('reads `*` sockets as IPv6 through the inode cross-check', async () => {
    const outcome = await createSsScanner({ candidates: [wrapper()], procNetRoot: proc }).scan();
    // ss prints no inode for UDP when it reads /proc, so that socket's family stays unknown.
    expect(outcome.ok && show(outcome.listeners)).toEqual([
      'tcp6 :: 36339 pid=-',
      'tcp6 :: 38219 pid=-',
      'udp? * 46097 pid=-',
    ]);
  });

  it.skipIf(!hasSs)('says "family unknown" when /proc/net cannot be read either', async () => {
    const outcome = await createSsScanner({ candidates: [wrapper()], procNetRoot: empty }).scan();
    expect(outcome.ok && show(outcome.listeners)).toEqual([
      'tcp? * 36339 pid=-',
      'tcp? * 38219 pid=-',
      'udp? * 46097 pid=-',
    ]);
  });
});

describe('2. a listener of unknown family in a snapshot', () => {
  it('is listed as reachable on every interface, with no guessed URL or probe host', async () => {
    const tools = createStandInTools();
    try {
      const ss = tools.printing('ss-gv', bytes('real-world', 'ss-gvisor-e.txt'));
      const empty = join(tools.dir, 'parsers-none');
      mkdirSync(empty);
      const scanner = createSsScanner({ candidates: [ss], procNetRoot: empty });
      const snap = await createSnapshotter({ scanner, owners: noOwners }).take();
      const l = snap.listeners.find((x) => x.port === 47003);
      expect(l).toMatchObject({ family: null, address: '*', exposure: 'all-interfaces', url: null });
      expect(l?.id).toMatch(/^tcp\?\|\*\|47003\|/);
    } finally {
      tools.remove();
    }
  });
});

describe('3. macOS lsof: an unbound UDP socket `n*:*` is not a listener and not garbage', () => {
  it('skips nothing and lists only the bound sockets', () => {
    const parsed = parseLsofF(text('real-world', 'lsof-macos-unbound-udp.txt'));
    expect(parsed.skipped).toBe(0);
    expect(show(parsed.listeners)).toEqual(['tcp4 127.0.0.1 8080 pid=4410', 'udp4 0.0.0.0 5353 pid=4410']);
  });
});

describe('4. old iproute2 owner format users:(("sshd",1234,3))', () => {
  it('keeps the socket and reads its owner', () => {
    const parsed = parseSs(text('real-world', 'ss-old-owner-3.12.txt'));
    expect(parsed.skipped).toBe(0);
    expect(show(parsed.listeners)).toEqual(['tcp4 0.0.0.0 22 pid=1234', 'tcp6 :: 22 pid=1234']);
    expect(parsed.listeners[0]?.processName).toBe('sshd');
  });
});

describe('5. CRLF line endings are normalised once, for every parser', () => {
  it('reads ss rows with owners from CRLF output', () => {
    const lf = bytes('ss', 'ss-linux-root-e.txt').toString('utf8');
    const crlf = Buffer.from(lf.replace(/\n/g, '\r\n'), 'utf8');
    const parsed = parseSs(decodeToolOutput(crlf));
    expect(parsed.skipped).toBe(0);
    expect(show(parsed.listeners)).toEqual(show(parseSs(lf).listeners));
  });

  it.each(['ss-linux-root.txt', 'ss-linux-root-e.txt'])(
    'the ss scanner reads CRLF output of %s like the original',
    async (name) => {
      const tools = createStandInTools();
      try {
        const lf = bytes('ss', name).toString('utf8');
        const tool = tools.printing('ss', Buffer.from(lf.replace(/\n/g, '\r\n'), 'utf8'));
        const outcome = await createSsScanner({ candidates: [tool] }).scan();
        expect(outcome.ok && outcome.notes.filter((n) => n.code === 'PARTIAL_OUTPUT')).toEqual([]);
        expect(outcome.ok && show(outcome.listeners)).toEqual(show(parseSs(lf).listeners));
      } finally {
        tools.remove();
      }
    },
  );
});

describe('6. a WARNING: line before PowerShell JSON', () => {
  it('finds the JSON and reports the skipped warning lines', () => {
    const parsed = parseWindowsPowerShellScan(text('real-world', 'powershell-warning-first.txt'));
    expect(show(parsed.listeners)).toEqual([
      'tcp4 0.0.0.0 135 pid=1020',
      'tcp6 :: 135 pid=1020',
      'udp4 0.0.0.0 5353 pid=2460',
    ]);
    expect(parsed.skipped).toBe(2);
  });
});

describe('7. a cut-off last line of /proc/net/*', () => {
  it('drops the incomplete row (inode 2329 of 2329890) and says so', () => {
    const parsed = parseProcNet(text('real-world', 'proc-tcp-cut.txt'), 'tcp', 4);
    expect(parsed.sockets.map((s) => s.inode)).toEqual(['41234']);
    expect(parsed.skipped).toBe(1);
  });
});

describe('8. ps names keep the executable name', () => {
  it('does not cut a Linux/BSD comm that contains a slash down to its last part', () => {
    const identity = '  812     1  1000 Mon Nov 23 08:24:56 2026 alice    node /opt/app\n';
    const args = '  812 node /opt/app/server.js --port 3000\n';
    expect(parsePsOwners(identity, args).get(812)?.name).toBe('node /opt/app');
  });

  it('still shows the file name of a macOS comm that is a full path', () => {
    const identity = '  88     1   501 Mon Nov  3 07:01:02 2026 alice  /opt/homebrew/bin/postgres\n';
    expect(parsePsOwners(identity, '').get(88)?.name).toBe('postgres');
  });
});

describe('9. lsof -F requests and reads the type field', () => {
  it('asks for the t field', () => {
    const fields = LSOF_ARGS[LSOF_ARGS.indexOf('-F') + 1] ?? '';
    expect(fields).toContain('t');
  });

  it('does not guess the family of `*:8080` when the t field is missing', () => {
    const parsed = parseLsofF('p42\0cnode\0\nf5\0PTCP\0n*:8080\0TST=LISTEN\0\n');
    expect(parsed.listeners.filter((l) => l.family === 4 || l.family === 6)).toEqual([]);
    expect(show(parsed.listeners)).toEqual(['tcp? * 8080 pid=42']);
  });
});
