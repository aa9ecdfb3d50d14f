import { execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteHostView, RemoteListener } from '../model/remote-host.js';
import { isAlive } from '../testing/wait.js';
import { agentHello } from './agent-protocol.js';
import { createRemoteHosts, type RemoteHosts } from './remote-hosts-service.js';
import { fixtureHost, holderServer, waitForLine } from './test-support/remote-fixture-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';

const repo = resolve(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'harbormaster.js');
const built = existsSync(join(repo, 'dist', 'cli', 'harbormaster.js'));
const why = sshdUnavailable() ?? (built ? null : 'the CLI is not built (run `npm run build`)');
if (why) console.log(`remote-agent.sshd.test: SKIPPED, ${why}`);

/**
 * The remote's `harbormaster`: the namespace shares this filesystem, so a wrapper on the remote
 * PATH (the target sshd's `SetEnv PATH=…`) runs this checkout's CLI with the test run's private
 * data folder. `mismatch` swaps in a wrapper that says hello as another major version.
 */
function writeWrapper(dir: string, kind: 'real' | 'mismatch' | 'absent'): void {
  const file = join(dir, 'harbormaster');
  rmSync(file, { force: true });
  if (kind === 'absent') return;
  const dataDir = process.env.HARBORMASTER_DATA_DIR ?? '';
  const body =
    kind === 'real'
      ? `exec env HARBORMASTER_DATA_DIR='${dataDir}' '${process.execPath}' '${bin}' "$@"`
      : `printf '%s\\n' '${JSON.stringify({ ...agentHello(), app: '97.0.0' })}'; exec cat >/dev/null`;
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

const key = (l: RemoteListener) =>
  `${l.protocol}${l.family} ${l.address}:${l.port} pid ${l.holder?.pid ?? '-'}`;

async function viewUntil(
  hosts: RemoteHosts,
  test: (v: RemoteHostView) => boolean,
  ms = 60_000,
): Promise<RemoteHostView> {
  let last: RemoteHostView | null = null;
  for (const until = Date.now() + ms; Date.now() < until;) {
    const r = await hosts.getHost({ alias: 'hr-target' });
    if (r.ok) {
      last = r.value;
      if (test(last)) return last;
    }
    await new Promise((res) => setTimeout(res, 150));
  }
  throw new Error(`view never matched; last: ${JSON.stringify(last)?.slice(0, 600)}`);
}

describe.skipIf(why !== null)('the agent path: harbormaster agent --stdio over the real sshd', () => {
  let fx: SshdFixture;
  let binDir: string;
  let hosts: RemoteHosts;
  const started: ChildProcess[] = [];
  const server = (src: string) => {
    const child = fx.spawnInNs(['node', '-e', src]);
    started.push(child);
    return waitForLine(child, /PORT \d+/).then((line) => ({ child, port: Number(line.slice(5)) }));
  };
  beforeAll(async () => {
    binDir = mkdtempSync(join(tmpdir(), 'hr-agent-bin-'));
    writeWrapper(binDir, 'real');
    fx = await createSshdFixture('ha', {
      targetConfig: [`SetEnv PATH=${binDir}:/usr/local/bin:/usr/bin:/bin`],
    });
    hosts = createRemoteHosts({
      env: { ...fx.env, HARBORMASTER_SSH_CONFIG: fx.configFile },
      intervalMs: 500,
    });
  }, 60_000);
  afterAll(async () => {
    for (const c of started) c.kill('SIGKILL');
    await hosts?.dispose();
    fx?.destroy();
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  it('chooses the agent, and lists the same ports as the script path (0 mismatches)', async () => {
    // A mix for the comparison: TCP on v4/v6 loopback and any-address, UDP v4 and v6.
    const mix = await server(`
const net = require('node:net'); const dgram = require('node:dgram'); let n = 0;
const up = () => { if (++n === 6) console.log('PORT 0'); };
for (const a of ['127.0.0.1', '::1', '0.0.0.0', '::']) net.createServer().listen(0, a, up);
dgram.createSocket('udp4').bind(0, '127.0.0.1', up);
dgram.createSocket('udp6').bind(0, '::', up);`);
    expect(mix.port).toBe(0);
    const view = await viewUntil(hosts, (v) => v.state === 'ok' && v.via === 'agent');
    expect(view.agentNote).toBeUndefined();
    const script = fixtureHost(fx, 'hr-target', { keepShell: true });
    try {
      expect((await script.connect()).ok).toBe(true);
      // The agent polls every 2 s: compare until both have seen the same moment (≤ 20 s).
      let diff: string[] = ['not compared'];
      let n = 0;
      for (const until = Date.now() + 20_000; diff.length > 0 && Date.now() < until;) {
        const s = await script.snapshot();
        const a = await hosts.getHost({ alias: 'hr-target' });
        if (!s.ok || !a.ok || !a.value.listeners) continue;
        const want = new Set(s.value.listeners.map(key));
        const got = new Set(a.value.listeners.map(key));
        n = want.size;
        diff = [
          ...[...want].filter((k) => !got.has(k)).map((k) => `missing ${k}`),
          ...[...got].filter((k) => !want.has(k)).map((k) => `extra ${k}`),
        ];
        if (diff.length > 0) await new Promise((res) => setTimeout(res, 500));
      }
      console.log(`agent vs script listing: ${n} listeners, ${diff.length} mismatches`);
      expect(diff).toEqual([]);
      expect(n).toBeGreaterThanOrEqual(8);
    } finally {
      await script.disconnect();
    }
  }, 120_000);

  it('shows the remote HTTP server’s health, probed on the remote', async () => {
    const http = await server(`
const s = require('node:http').createServer((q, r) => r.end('<title>remote page</title>'));
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));`);
    const view = await viewUntil(hosts, (v) =>
      (v.listeners ?? []).some((l) => l.port === http.port && l.health?.state === 'up'),
    );
    const l = view.listeners?.find((x) => x.port === http.port);
    expect(l?.holder?.pid).toBe(http.child.pid);
    expect(l?.health).toMatchObject({ state: 'up', kind: 'http', status: 200 });
  }, 90_000);

  it('kills through the agent: the real process ends and the port is verified free; a changed holder is not signalled', async () => {
    const listed = async (port: number, pid: number | undefined) => {
      const v = await viewUntil(hosts, (x) =>
        (x.listeners ?? []).some((l) => l.port === port && l.holder?.pid === pid && l.holder?.uid != null),
      );
      const l = v.listeners?.find((x) => x.port === port && x.holder?.pid === pid);
      if (!l?.holder || l.holder.uid === null) throw new Error('not listed');
      return {
        alias: 'hr-target',
        port,
        pid: l.holder.pid,
        startTicks: l.holder.startTicks,
        uid: l.holder.uid,
        inode: l.inode,
      };
    };
    const victim = await server(holderServer());
    const confirmed = await listed(victim.port, victim.child.pid);
    const stale = await hosts.killRemote({
      ...confirmed,
      startTicks: String(Number(confirmed.startTicks) + 1),
    });
    expect(stale).toMatchObject({ ok: true, value: { via: 'agent', signalled: false } });
    expect(isAlive(victim.child.pid ?? 0)).toBe(true);
    const killed = await hosts.killRemote(confirmed);
    expect(killed).toMatchObject({
      ok: true,
      value: { via: 'agent', outcome: { kind: 'freed' }, signalled: true },
    });
    if (victim.child.exitCode === null && victim.child.signalCode === null)
      await new Promise((res) => victim.child.once('exit', res));
    expect(victim.child.signalCode).toBe('SIGTERM');
    expect(fx.inNs(`ss -Htln 'sport = :${victim.port}'`).trim()).toBe('');

    // Between the confirmation and the signal the confirmed process lets go and another takes the port.
    const first = await server(holderServer());
    const f = await listed(first.port, first.child.pid);
    // The agent's health probe may hold a connection: listen for CLOSED before asking.
    const closed = waitForLine(first.child, /CLOSED/);
    first.child.stdin?.write('close\n');
    await closed;
    const second = await server(holderServer(first.port));
    const changed = await hosts.killRemote(f);
    expect(changed).toMatchObject({ ok: true, value: { via: 'agent', signalled: false } });
    expect(isAlive(first.child.pid ?? 0)).toBe(true);
    expect(isAlive(second.child.pid ?? 0)).toBe(true);
  }, 120_000);

  it('restarts the agent after its remote process dies', async () => {
    const agents = () => fx.sessionProcesses().filter(([, args]) => args.includes('agent --stdio'));
    const before = agents().map(([pid]) => pid);
    expect(before.length).toBeGreaterThan(0);
    for (const pid of before) process.kill(pid, 'SIGKILL');
    await viewUntil(
      hosts,
      (v) => v.state === 'ok' && v.via === 'agent' && agents().some(([p]) => !before.includes(p)),
    );
  }, 90_000);

  it('a collapsed host leaves no agent running on the remote; opening it again starts one', async () => {
    const agents = () => fx.sessionProcesses().filter(([, args]) => args.includes('agent --stdio'));
    await viewUntil(hosts, (v) => v.via === 'agent');
    expect(agents().length).toBeGreaterThan(0);
    expect(await hosts.collapseHost({ alias: 'hr-target' })).toMatchObject({
      ok: true,
      value: { polling: false },
    });
    for (let i = 0; i < 100 && agents().length > 0; i += 1) await new Promise((res) => setTimeout(res, 100));
    expect(agents()).toEqual([]);
    await viewUntil(hosts, (v) => v.via === 'agent' && agents().length > 0);
  }, 90_000);

  it('refuses hostile requests to `agent --stdio` without crashing, and ends when stdin closes', async () => {
    const host = fixtureHost(fx, 'hr-target');
    try {
      expect((await host.connect()).ok).toBe(true);
      const r = await host.run(
        ['harbormaster', 'agent', '--stdio'],
        [
          '{"type":"call","id":1,"method":"getVersion"',
          '\u001b]0;x\u0007 not json',
          '{"type":"call","id":2,"method":"shutdown"}',
          '{"type":"call","id":3,"method":"killRemote","params":{}}',
          `{"type":"call","id":4,"method":"getVersion","params":"${'A'.repeat(200_000)}"}`,
          '{"type":"call","id":5,"method":"kill","params":{"listenerId":"x","pid":1,"startToken":"1","mode":"graceful","signal":9}}',
          '{"type":"call","id":6,"method":"getVersion"}',
          '',
        ].join('\n'),
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const lines = r.stdout
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as { type: string; id?: number | null; error?: { code: string; message: string } },
        );
      expect(lines[0]).toEqual(agentHello());
      expect(lines.filter((l) => l.type === 'error' && l.id === null).map((l) => l.error?.message)).toEqual([
        expect.stringMatching(/not JSON/),
        expect.stringMatching(/not JSON/),
        expect.stringMatching(/longer than/),
      ]);
      expect(lines.find((l) => l.id === 2)).toMatchObject({
        type: 'error',
        error: { code: 'INVALID_REQUEST' },
      });
      expect(lines.find((l) => l.id === 3)).toMatchObject({
        type: 'error',
        error: { code: 'INVALID_REQUEST' },
      });
      expect(lines.find((l) => l.id === 5)).toMatchObject({
        type: 'result',
        result: { ok: false, error: { code: 'INVALID_REQUEST' } },
      });
      expect(lines.find((l) => l.id === 6)).toMatchObject({
        type: 'result',
        result: { app: agentHello().app },
      });
      // eslint-disable-next-line no-control-regex -- asserting no control character is left
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    } finally {
      await host.disconnect();
    }
  }, 90_000);

  it('measures an agent snapshot against a script snapshot over the open master (100 listeners)', async () => {
    // One process holding 100 loopback listeners, like the speed case.
    const many = await server(`
const net = require('node:net'); let n = 0;
for (let i = 0; i < 100; i += 1) net.createServer().listen(0, '127.0.0.1', () => { if (++n === 100) console.log('PORT 0'); });`);
    expect(many.port).toBe(0);
    const agentHost = fixtureHost(fx, 'hr-target', { keepShell: true, agent: true });
    const scriptHost = fixtureHost(fx, 'hr-target', { keepShell: true });
    try {
      expect((await agentHost.connect()).ok).toBe(true);
      expect((await scriptHost.connect()).ok).toBe(true);
      // The agent's core polls every 2 s: wait until its snapshot has the 100 listeners.
      for (let i = 0; i < 100; i += 1) {
        const s = await agentHost.snapshot();
        if (s.ok && s.value.listeners.filter((l) => l.holder?.pid === many.child.pid).length === 100) break;
        await new Promise((res) => setTimeout(res, 200));
      }
      const counted = await scriptHost.snapshot();
      expect(counted.ok && counted.value.listeners.length).toBeGreaterThanOrEqual(100);
      const times = async (h: typeof agentHost) => {
        const out: number[] = [];
        for (let i = 0; i < 10; i += 1) {
          const s = await h.snapshot();
          if (s.ok) out.push(s.value.durationMs);
        }
        return out.sort((a, b) => a - b);
      };
      const a = await times(agentHost);
      const s = await times(scriptHost);
      const last = await agentHost.snapshot();
      expect(last.ok && last.value.via).toBe('agent');
      expect(last.ok && last.value.listeners.filter((l) => l.holder?.pid === many.child.pid).length).toBe(
        100,
      );
      const med = (x: number[]) => (x[Math.floor(x.length / 2)] ?? NaN).toFixed(1);
      console.log(
        `snapshot wall ms, ${counted.ok ? counted.value.listeners.length : '?'} listeners (median of 10): agent ${med(a)}, script ${med(s)}; load ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}`,
      );
      expect(a.length).toBe(10);
      expect(s.length).toBe(10);
    } finally {
      many.child.kill('SIGKILL');
      await agentHost.disconnect();
      await scriptHost.disconnect();
    }
  }, 120_000);

  it('falls back to the script for another major version, and for a remote without harbormaster', async () => {
    for (const [kind, note] of [
      ['mismatch', /97\.0\.0.*major versions differ/],
      ['absent', /not on the remote PATH/],
    ] as const) {
      writeWrapper(binDir, kind);
      const fresh = createRemoteHosts({
        env: { ...fx.env, HARBORMASTER_SSH_CONFIG: fx.configFile },
        intervalMs: 500,
      });
      try {
        const v = await viewUntil(fresh, (x) => x.state === 'ok');
        expect(v.via).toBe('script');
        expect(v.agentNote).toMatch(note);
        expect(v.listeners?.some((l) => l.port === 22)).toBe(true);
        // No agent process was left running on the remote.
        expect(fx.sessionProcesses().filter(([, args]) => args.includes('97.0.0'))).toEqual([]);
      } finally {
        await fresh.dispose();
      }
    }
    writeWrapper(binDir, 'real');
    execFileSync('true');
  }, 120_000);
});
