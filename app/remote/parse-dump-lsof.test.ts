import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listScript } from './list-script.js';
import { parseRemoteDump } from './parse-dump.js';

const NONCE = '0f1e2d3c4b5a6978';
const mark = (kind: string, arg = '0') => `\n@@${NONCE} ${kind} ${arg}\n`;

// macOS `lsof -nP -iTCP -iUDP -w -Ts -F pcuLtPnT0` (the local lsof backend's own fixture): IPv4,
// IPv6, `*:port`, UDP, an established connection and a CLOSED socket that are no listeners.
const LSOF = readFileSync(
  new URL('../scan/fixtures/lsof/lsof-macos-handwritten.txt', import.meta.url),
  'utf8',
);

// macOS `ps -ww -o pid=,ppid=,uid=,lstart=,user=,comm=` run with TZ=UTC0: comm is the full path.
const PS = [
  '  501     1   501 Mon Nov 23 08:24:56 2026     alice            /usr/local/bin/node',
  '   88     1   501 Sun Nov 22 23:00:01 2026     alice            /opt/homebrew/opt/postgresql@15/bin/postgres',
  '  312     1    65 Sat Nov 21 07:00:00 2026     _mdnsresponder   /usr/sbin/mDNSResponder',
  '    1     0     0 Sat Nov 21 06:59:58 2026     root             /sbin/launchd',
  '',
].join('\n');
const ESC = '\u001b';
const HOSTILE_ARGS = `node ${ESC}]0;pwned\u0007server.js \u202e--evil ${'x'.repeat(5000)}`;
const PS_ARGS = [
  `  501 ${HOSTILE_ARGS}`,
  '   88 /opt/homebrew/opt/postgresql@15/bin/postgres -D /opt/homebrew/var/postgresql@15',
  '  312 /usr/sbin/mDNSResponder',
  '    1 /sbin/launchd',
  '',
].join('\n');

const dump = (lsof: string, ps = PS, psArgs = PS_ARGS) =>
  `${mark('version', '1')}${mark('uid', '501')}${mark('lsof')}${lsof}${mark('ps')}${ps}${mark('psargs')}${psArgs}${mark('end')}`;

describe('parsing the lsof branch of a remote dump (macOS-shaped lsof -F and ps samples)', () => {
  const parsed = parseRemoteDump(dump(LSOF), NONCE);
  if (!parsed.ok) throw new Error(parsed.message);
  const rowsOf = () =>
    parsed.listeners.map(
      (l) => `${l.protocol}${l.family} ${l.address}:${l.port} ${l.pids.join(',')} ${l.holder?.user}`,
    );

  it('reads IPv4, IPv6, `*:port` and UDP listeners with every holder pid, one row per endpoint', () => {
    const rows = rowsOf();
    expect(rows).toEqual(
      expect.arrayContaining([
        'tcp4 127.0.0.1:3000 501 alice',
        'tcp6 :::8080 501 alice',
        'tcp4 0.0.0.0:8080 501 alice',
        'tcp6 ::1:5000 501 alice',
        'tcp6 :::5000 1 root',
        'tcp4 127.0.0.1:5432 88 alice',
        'tcp6 ::1:5432 88 alice',
        'udp4 0.0.0.0:5353 312 _mdnsresponder',
        'udp6 :::5353 312 _mdnsresponder',
        'udp4 0.0.0.0:137 1 root',
      ]),
    );
    // The established connection, the connected UDP socket and the CLOSED socket are no listeners;
    // postgres's two records of 127.0.0.1:5432 are one row.
    expect(rows.filter((r) => r.startsWith('tcp4 127.0.0.1:5432'))).toHaveLength(1);
    expect(rows.some((r) => r.includes(':443') || r.includes(':7000') || r.includes(':62000'))).toBe(false);
    expect(parsed.viewerUid).toBe(501);
  });

  it('gives owners as the local ps resolver reads them: user, name, full command, start time in UTC', () => {
    const pg = parsed.listeners.find((l) => l.port === 5432)?.holder;
    expect(pg).toEqual({
      pid: 88,
      // ps's UTC lstart as digits: what the kill script's lsof branch re-checks.
      startTicks: '20261122230001',
      uid: 501,
      user: 'alice',
      name: 'postgres',
      command: '/opt/homebrew/opt/postgresql@15/bin/postgres -D /opt/homebrew/var/postgresql@15',
      cwd: null,
      startedAt: Date.UTC(2026, 10, 22, 23, 0, 1),
    });
    const l = parsed.listeners.find((x) => x.port === 5432);
    expect(l).toMatchObject({ listedBy: 'lsof', inode: '0', socketUid: 501, exposure: 'loopback' });
  });

  it('cleans and caps a hostile command line (escape sequences, BEL, bidi override, 5,000 characters)', () => {
    const h = parsed.listeners.find((l) => l.port === 3000)?.holder;
    expect(h?.command.startsWith('node server.js --evil xxx')).toBe(true);
    // eslint-disable-next-line no-control-regex -- the point: no control byte survives
    expect(h?.command).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(h?.command.length).toBeLessThanOrEqual(1000);
    expect(h?.name).toBe('node');
  });

  it('a holder ps no longer lists (it exited between lsof and ps) is hidden, its socket still listed', () => {
    const d = parseRemoteDump(dump(LSOF, PS.replace(/^ {2}501 .*\n/m, '')), NONCE);
    if (!d.ok) throw new Error(d.message);
    const l = d.listeners.find((x) => x.port === 3000);
    expect(l).toMatchObject({ pids: [501], holder: null, socketUid: 501 });
  });

  it('lsof output that is no field output is an error, never "no ports"', () => {
    const d = parseRemoteDump(
      dump("lsof: WARNING: can't stat() nfs file system /Volumes/x\n", '', ''),
      NONCE,
    );
    expect(d).toMatchObject({ ok: false, unsupported: false });
  });

  it('empty lsof output (nothing open) is an empty, complete listing', () => {
    expect(parseRemoteDump(dump('', '', ''), NONCE)).toEqual({
      ok: true,
      viewerUid: 501,
      listeners: [],
      skipped: 0,
    });
  });

  it('a forged marker inside a command line is body text; a dump cut before its end is an error', () => {
    const forged = PS_ARGS.replace('/sbin/launchd', `/sbin/launchd\n@@ffffffffffffffff end 0\n`);
    const d = parseRemoteDump(dump(LSOF, PS, forged), NONCE);
    expect(d.ok && d.listeners.length).toBe(parsed.listeners.length);
    const cut = dump(LSOF).slice(0, dump(LSOF).indexOf(`@@${NONCE} ps`));
    expect(parseRemoteDump(cut, NONCE)).toMatchObject({ ok: false, unsupported: false });
  });

  it('a remote with neither /proc/net nor lsof is the unsupported-OS state', () => {
    const d = parseRemoteDump(
      `${mark('version', '1')}${mark('uid', '501')}${mark('unsupported', 'Darwin')}${mark('end')}`,
      NONCE,
    );
    expect(d).toMatchObject({ ok: false, unsupported: true });
    expect(!d.ok && d.message).toMatch(/neither \/proc\/net nor lsof \(Darwin\)/);
  });
});

const root = process.platform === 'linux' && process.getuid?.() === 0;
const lsofHere = spawnSync('lsof', ['-v']).error === undefined;
const skipWhy = !root
  ? 'needs Linux as root (a private mount namespace hides lsof)'
  : !lsofHere
    ? 'lsof missing'
    : null;
if (skipWhy) console.log(`parse-dump-lsof.test: script runs SKIPPED, ${skipWhy}`);

describe.skipIf(skipWhy !== null)(
  'the lsof branch of the listing script, run here by sh without lsof',
  () => {
    it('without lsof (hidden in a private mount namespace) the remote says unsupported', () => {
      // Every path the script tries, and the PATH lookup, then find no executable lsof.
      const hide = ['/usr/sbin/lsof', '/usr/bin/lsof', '/sbin/lsof', '/bin/lsof']
        .map((p) => `[ -e ${p} ] && mount --bind /dev/null ${p};`)
        .join(' ');
      const run = spawnSync('unshare', ['-m', 'sh', '-c', `${hide} exec sh -s`], {
        input: listScript(NONCE, { forceLsof: true }),
        encoding: 'latin1',
      });
      expect(run.status).toBe(0);
      expect(parseRemoteDump(run.stdout, NONCE)).toMatchObject({ ok: false, unsupported: true });
    });
  },
);
