import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../contract/schemas.js';
import type { RemoteHostView } from '../model/remote-host.js';
import { checkAlias, type HostAlias } from './alias.js';
import { readForwards } from './forward-registry.js';
import { openForward } from './forwards.js';
import { controlPathFor, createRemoteHost } from './remote-host.js';
import { createRemoteHosts, type RemoteHosts } from './remote-hosts-service.js';
import { settledView } from './test-support/remote-fixture-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';
import { isAlive } from '../testing/wait.js';
import { fetchLine, holderServer, lineServer, waitForLine } from './test-support/remote-fixture-host.js';

const why = sshdUnavailable();
if (why) console.log(`remote-hosts-service.sshd.test: SKIPPED, ${why}`);

const alive = (pid: number | undefined) => pid !== undefined && isAlive(pid);

/** The pid of the master on `controlPath` (`ssh -O check` names it), or 0 when none runs. */
function masterPid(controlPath: string): number {
  const r = spawnSync('ssh', ['-o', `ControlPath=${controlPath}`, '-O', 'check', '--', 'x'], {
    encoding: 'utf8',
  });
  return Number(/pid=(\d+)/.exec(r.stderr)?.[1] ?? 0);
}

function checkAliasOrThrow(alias: string): HostAlias {
  const c = checkAlias(alias);
  if (!c.ok) throw new Error(c.reason);
  return c.alias;
}

describe('the contract refuses a hostile alias before the service sees it', () => {
  it.each(['-oProxyCommand=touch /tmp/x', 'a b', 'x;id'])('getHost %j → INVALID_REQUEST', (alias) => {
    const r = parseRequest('getHost', { alias });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INVALID_REQUEST');
  });
  it('accepts a config alias', () => {
    expect(parseRequest('getHost', { alias: 'devbox' }).ok).toBe(true);
  });
});

describe.skipIf(why !== null)('the hosts service: config hosts, polled only once opened', () => {
  let fx: SshdFixture;
  let hosts: RemoteHosts;
  beforeAll(async () => {
    fx = await createSshdFixture();
    hosts = createRemoteHosts({
      env: { ...fx.env, HARBORMASTER_SSH_CONFIG: fx.configFile },
      intervalMs: 500,
    });
  }, 60_000);
  const started: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of started) c.kill('SIGKILL');
    await hosts?.dispose();
    fx?.destroy();
  });

  it('lists the config hosts without connecting, then an opened host goes connecting → ok with its listeners', async () => {
    const list = await hosts.listHosts();
    expect(list.hosts.map((h) => h.alias)).toContain('hr-target');
    const first = await hosts.getHost({ alias: 'hr-target' });
    expect(first).toMatchObject({ ok: true, value: { state: 'connecting', listeners: null } });
    let view: RemoteHostView | null = null;
    for (let i = 0; i < 600 && view?.state !== 'ok'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      const r = await hosts.getHost({ alias: 'hr-target' });
      if (r.ok) view = r.value;
    }
    expect(view?.state).toBe('ok');
    expect(view?.listeners?.some((l) => l.port === 22 && l.holder?.name === 'sshd')).toBe(true);
  }, 90_000);

  it('killRemote: the confirmed holder is killed and the port verified free; a changed identity signals nothing', async () => {
    const server = (port = 0) => {
      const child = fx.spawnInNs(['node', '-e', holderServer(port)]);
      started.push(child);
      return waitForLine(child, /PORT \d+/).then((line) => ({ child, port: Number(line.slice(5)) }));
    };
    const listed = async (port: number, pid: number | undefined) => {
      for (let i = 0; i < 300; i += 1) {
        const r = await hosts.getHost({ alias: 'hr-target' });
        const l = r.ok ? r.value.listeners?.find((x) => x.port === port && x.holder?.pid === pid) : undefined;
        if (l?.holder?.uid != null) return { l, h: l.holder, uid: l.holder.uid };
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`port ${port} of pid ${pid} never listed`);
    };
    const victim = await server();
    const seen = await listed(victim.port, victim.child.pid);
    const confirmed = {
      alias: 'hr-target',
      port: victim.port,
      pid: seen.h.pid,
      startTicks: seen.h.startTicks,
      uid: seen.uid,
      inode: seen.l.inode,
    };
    // A start time one tick off is another incarnation: refused on the remote, nothing sent.
    const stale = await hosts.killRemote({ ...confirmed, startTicks: String(Number(seen.h.startTicks) + 1) });
    expect(stale).toMatchObject({ ok: true, value: { outcome: { kind: 'changed' }, signalled: false } });
    expect(alive(victim.child.pid)).toBe(true);
    const killed = await hosts.killRemote(confirmed);
    expect(killed).toMatchObject({ ok: true, value: { outcome: { kind: 'freed' }, signalled: true } });
    if (victim.child.exitCode === null && victim.child.signalCode === null)
      await new Promise((res) => victim.child.once('exit', res));
    expect(victim.child.signalCode).toBe('SIGTERM');

    // The holder changes between confirmation and signal: the confirmed one lets go, another takes
    // the port. The remote re-check sees it and neither process is signalled.
    const first = await server();
    const f = await listed(first.port, first.child.pid);
    first.child.stdin?.write('close\n');
    await waitForLine(first.child, /CLOSED/);
    const second = await server(first.port);
    const swapped = await hosts.killRemote({
      alias: 'hr-target',
      port: first.port,
      pid: f.h.pid,
      startTicks: f.h.startTicks,
      uid: f.uid,
      inode: f.l.inode,
    });
    expect(swapped).toMatchObject({
      ok: true,
      value: { outcome: { kind: 'no-longer-holds' }, signalled: false },
    });
    expect(alive(first.child.pid)).toBe(true);
    expect(alive(second.child.pid)).toBe(true);
  }, 90_000);

  it('killRemote on a host that was never opened is refused before anything is sent', async () => {
    const r = await hosts.killRemote({
      alias: 'hr-jumped',
      port: 22,
      pid: 2,
      startTicks: '1',
      uid: 0,
      inode: '1',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_IN_SNAPSHOT' } });
  });

  it('forwards survive a master reconnect, and quitting closes every forward, also of hosts never opened', async () => {
    const rt = mkdtempSync(join(fx.dir, 'quit-'));
    const env = { ...fx.env, HARBORMASTER_SSH_CONFIG: fx.configFile, XDG_RUNTIME_DIR: rt };
    const app = createRemoteHosts({ env, intervalMs: 500 });
    const dir = join(rt, 'harbormaster-ssh');
    const child = fx.spawnInNs(['node', '-e', lineServer('still here\n')]);
    started.push(child);
    const port = Number((await waitForLine(child, /PORT \d+/)).slice(5));
    try {
      for (let i = 0; i < 300; i += 1) {
        const v = await app.getHost({ alias: 'hr-target' });
        if (v.ok && v.value.listeners?.some((l) => l.port === port)) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const opened = await app.openRemote({ alias: 'hr-target', port, launch: false });
      if (!opened.ok) throw new Error(opened.error.message);
      const local = opened.value.forward.localPort;
      expect(await fetchLine(local)).toBe('still here\n');

      // The master dies (not sshd): the session notices, starts a new master and re-adds the
      // forward on the same local port.
      const master = masterPid(controlPathFor(dir, 'hr-target', fx.configFile));
      expect(master).toBeGreaterThan(0);
      process.kill(master, 'SIGKILL');
      let back = '';
      for (let i = 0; i < 300 && back === ''; i += 1) {
        await new Promise((res) => setTimeout(res, 100));
        back = await fetchLine(local).catch(() => '');
      }
      expect(back).toBe('still here\n');
      expect(masterPid(controlPathFor(dir, 'hr-target', fx.configFile))).not.toBe(master);

      // A forward of a host this app never opened (as `harbormaster forward hr-jumped …` makes it).
      const jumped = createRemoteHost({
        alias: checkAliasOrThrow('hr-jumped'),
        configFile: fx.configFile,
        runtimeDir: dir,
        env,
        persist: 'yes',
      });
      const other = await openForward(jumped, dir, { port, address: '127.0.0.1' }, null);
      if (!other.ok) throw new Error(other.failure.message);
      expect(await fetchLine(other.value.record.localPort)).toBe('still here\n');
      expect((await app.listForwards()).map((f) => f.alias).sort()).toEqual(['hr-jumped', 'hr-target']);

      await app.dispose();
      for (const p of [local, other.value.record.localPort])
        await expect(fetchLine(p)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(await jumped.isConnected()).toBe(false);
      expect(masterPid(controlPathFor(dir, 'hr-target', fx.configFile))).toBe(0);
      expect(readForwards(dir)).toEqual([]);
    } finally {
      await app.dispose();
    }
  }, 120_000);

  it('a host with an unknown key shows that state, never an empty listing', async () => {
    await hosts.getHost({ alias: 'hr-stranger' });
    const view = await settledView(hosts, 'hr-stranger');
    expect(view).toMatchObject({ state: 'host-key-unknown', listeners: null, nextRetryMs: null });
  }, 90_000);
});
