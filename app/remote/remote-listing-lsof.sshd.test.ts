import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteListener } from '../model/remote-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';
import { fixtureHost, waitForLine } from './test-support/remote-fixture-host.js';
import type { RemoteHost } from './remote-host.js';
import { createRemoteHosts } from './remote-hosts-service.js';
import { holderServer, settledView } from './test-support/remote-fixture-host.js';
import { isAlive } from '../testing/wait.js';

const why = sshdUnavailable();
if (why) console.log(`remote-listing-lsof.sshd.test: SKIPPED, ${why}`);

// TCP v4, TCP v6 (dual-stack `::`), a v4-mapped bind and UDP v4/v6, held by one process with an
// ordinary command line; prints its own pid (it may run under runuser).
const SERVERS = `
const net = require('node:net'), dgram = require('node:dgram');
const ports = [];
const done = () => { if (ports.length === 5) console.log('PORTS ' + process.pid + ' ' + ports.join(',')); };
net.createServer().listen(0, '127.0.0.1', function () { ports.push(this.address().port); done(); });
net.createServer().listen(0, '::', function () { ports.push(this.address().port); done(); });
net.createServer().listen(0, '::ffff:127.0.0.1', function () { ports.push(this.address().port); done(); });
const u = dgram.createSocket('udp4'); u.bind(0, '0.0.0.0', () => { ports.push(u.address().port); done(); });
const u6 = dgram.createSocket('udp6'); u6.bind(0, '::1', () => { ports.push(u6.address().port); done(); });
setInterval(() => {}, 1e6);`;

// A hostile process title: escape sequences, BEL and a bidi override.
const HOSTILE = `
const s = require('node:net').createServer().listen(0, '0.0.0.0', () => {
  process.title = 'evil\\u001b[31mred\\u0007ti\\u202etle';
  console.log('PORT ' + process.pid + ' ' + s.address().port);
});
setInterval(() => {}, 1e6);`;

/** What both listings must agree on, one line per (socket, pid). */
function rows(ls: readonly RemoteListener[], withCommand: (pid: number) => boolean): string[] {
  return ls
    .flatMap((l) =>
      l.pids.map(
        (pid) =>
          `${l.protocol}${l.family} ${l.address}:${l.port} pid ${pid} user ${l.holder?.user} ` +
          (withCommand(pid) ? `cmd ${l.holder?.command}` : ''),
      ),
    )
    .sort();
}

describe.skipIf(why !== null)('remote listing through lsof -F (the macOS branch) over a real sshd', () => {
  let fx: SshdFixture;
  let procfs: RemoteHost;
  let lsof: RemoteHost;
  const children: ChildProcess[] = [];
  let rootPid = 0;
  let nobodyPid = 0;
  let hostilePid = 0;
  let hostilePort = 0;
  let ports: number[] = [];
  beforeAll(async () => {
    fx = await createSshdFixture();
    procfs = fixtureHost(fx, 'hr-target');
    lsof = fixtureHost(fx, 'hr-target', { listScript: { forceLsof: true } });
    const start = async (argv: string[], re: RegExp) => {
      const c = fx.spawnInNs(argv);
      children.push(c);
      return (await waitForLine(c, re)).split(' ');
    };
    const asRoot = await start(['node', '-e', SERVERS], /PORTS \d+ [\d,]+/);
    rootPid = Number(asRoot[1]);
    ports = (asRoot[2] ?? '').split(',').map(Number);
    nobodyPid = Number(
      (await start(['runuser', '-u', 'nobody', '--', 'node', '-e', SERVERS], /PORTS \d+ [\d,]+/))[1],
    );
    const hostile = await start(['node', '-e', HOSTILE], /PORT \d+ \d+/);
    hostilePid = Number(hostile[1]);
    hostilePort = Number(hostile[2]);
    expect((await procfs.connect()).ok).toBe(true);
    expect((await lsof.connect()).ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    // runuser forks: its node child is killed by the pid it printed.
    if (nobodyPid > 0) process.kill(nobodyPid, 'SIGKILL');
    await procfs?.disconnect();
    await lsof?.disconnect();
    fx?.destroy();
  });

  it('lists the same listeners (port, pid, user, command) as the procfs branch: 0 mismatches', async () => {
    const a = await procfs.snapshot();
    const b = await lsof.snapshot();
    if (!a.ok) throw new Error(a.failure.message);
    if (!b.ok) throw new Error(b.failure.message);
    // ps prints a control byte as `?` where /proc/PID/cmdline has the byte itself (cleaned away):
    // the hostile command is compared in the next test, every other one here, character for character.
    const ordinary = (pid: number) => pid !== hostilePid;
    const fromProcfs = rows(a.value.listeners, ordinary);
    const fromLsof = rows(b.value.listeners, ordinary);
    const mismatches = fromProcfs
      .filter((k) => !fromLsof.includes(k))
      .concat(fromLsof.filter((k) => !fromProcfs.includes(k)));
    expect(mismatches).toEqual([]);
    // Indicative only (one fresh ssh session each, no kept shell): not a bound.
    console.log(
      `one snapshot: procfs ${a.value.durationMs.toFixed(0)} ms, lsof ${b.value.durationMs.toFixed(0)} ms ` +
        `(${b.value.listeners.length} listeners, load ${loadavg()[0]?.toFixed(1)})`,
    );
    // The comparison covered both users, every family and protocol, not an empty list.
    const mine = b.value.listeners.filter((l) => l.pids.includes(rootPid) || l.pids.includes(nobodyPid));
    expect(mine).toHaveLength(10);
    expect(new Set(mine.map((l) => `${l.protocol}${l.family}`))).toEqual(
      new Set(['tcp4', 'tcp6', 'udp4', 'udp6']),
    );
    for (const port of ports) {
      const l = b.value.listeners.find((x) => x.port === port);
      expect(l?.holder).toMatchObject({ pid: rootPid, user: 'root', name: 'node', cwd: null });
      expect(l?.holder?.command).toBe(`node -e ${SERVERS.replace(/\s+/g, ' ').trim()}`);
      expect(l?.listedBy).toBe('lsof');
      expect(l?.socketUid).toBe(0);
      // ps's lstart (printed in UTC, one-second resolution) and procfs's btime + ticks agree.
      const p = a.value.listeners.find((x) => x.port === port);
      expect(Math.abs((l?.holder?.startedAt ?? 0) - (p?.holder?.startedAt ?? 0))).toBeLessThan(2500);
    }
    expect(b.value.listeners.find((l) => l.pids.includes(nobodyPid))?.holder?.user).toBe('nobody');
    // The remote login (root here) is in both headers: /proc/self/status, or `id -u` without /proc.
    expect(b.value.viewerUid).toBe(0);
    expect(a.value.viewerUid).toBe(0);
    expect(a.value.listeners.every((l) => l.listedBy === undefined)).toBe(true);
  });

  // Linux procps already prints a control byte as `?`; macOS ps may pass raw bytes, which the
  // pure parse test (parse-dump-lsof.test.ts) feeds through the same cleaning.
  it('cleans control bytes, escape sequences and bidi controls out of command lines ps printed', async () => {
    const b = await lsof.snapshot();
    if (!b.ok) throw new Error(b.failure.message);
    const h = b.value.listeners.find((x) => x.port === hostilePort)?.holder;
    expect(h?.pid).toBe(hostilePid);
    console.log(
      `hostile title as the lsof branch shows it: ${JSON.stringify(h?.command)} (${JSON.stringify(h?.name)})`,
    );
    for (const text of [h?.command ?? '', h?.name ?? '']) {
      expect(text).toMatch(/evil/);
      // eslint-disable-next-line no-control-regex -- the point: no control byte survives
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
    expect(h?.command).toMatch(/title|ti.*tle/);
  });

  it('the window/tray path (hosts service) kills an lsof-listed holder after the ps/lsof re-check', async () => {
    const victim = fx.spawnInNs(['node', '-e', holderServer()]);
    children.push(victim);
    const port = Number((await waitForLine(victim, /PORT \d+/)).slice(5));
    const hosts = createRemoteHosts({
      env: { ...fx.env, HARBORMASTER_SSH_CONFIG: fx.configFile },
      intervalMs: 500,
      listScript: { forceLsof: true },
      closeAllOnDispose: false,
    });
    try {
      let l: RemoteListener | undefined;
      for (let i = 0; i < 100 && !l; i += 1) {
        const view = await settledView(hosts, 'hr-target');
        // The window words unreadable owners for this login (remoteViewer): root here.
        expect(view?.viewerUid).toBe(0);
        l = view?.listeners?.find((x) => x.port === port);
      }
      expect(l?.listedBy).toBe('lsof');
      const h = l?.holder;
      if (!l || !h || h.uid === null) throw new Error('no lsof-listed holder');
      const request = { alias: 'hr-target', port, pid: h.pid, uid: h.uid, inode: l.inode };
      // A start time one second off is another incarnation: refused, nothing signalled.
      const stale = await hosts.killRemote({ ...request, startTicks: String(Number(h.startTicks) - 1) });
      expect(stale).toMatchObject({ ok: true, value: { outcome: { kind: 'changed' }, signalled: false } });
      expect(isAlive(victim.pid!)).toBe(true);
      const r = await hosts.killRemote({ ...request, startTicks: h.startTicks });
      expect(r).toMatchObject({
        ok: true,
        value: { outcome: { kind: 'freed', pid: victim.pid }, signalled: true },
      });
      if (victim.exitCode === null && victim.signalCode === null)
        await new Promise((res) => victim.once('exit', res));
      expect(victim.signalCode).toBe('SIGTERM');
    } finally {
      await hosts.dispose();
    }
  });
});
