import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../contract/schemas.js';
import type { RemoteHostView } from '../model/remote-host.js';
import { createRemoteHosts, type RemoteHosts } from './remote-hosts-service.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';
import { waitForLine } from './test-support/remote-fixture-host.js';

// A server on 127.0.0.1 in the namespace; "close" on stdin closes the listener but keeps the process.
const SERVER = (port: number) => `
const s = require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('PORT ' + s.address().port));
process.stdin.on('data', (d) => { if (String(d).includes('close')) s.close(() => console.log('CLOSED')); });
setInterval(() => {}, 1e6);`;

function alive(pid: number | undefined): boolean {
  try {
    return pid !== undefined && process.kill(pid, 0);
  } catch {
    return false;
  }
}

const why = sshdUnavailable();
if (why) console.log(`remote-hosts-service.sshd.test: SKIPPED, ${why}`);

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
      const child = fx.spawnInNs(['node', '-e', SERVER(port)]);
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

  it('a host with an unknown key shows that state, never an empty listing', async () => {
    await hosts.getHost({ alias: 'hr-stranger' });
    let view: RemoteHostView | null = null;
    for (let i = 0; i < 600 && (view === null || view.state === 'connecting'); i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      const r = await hosts.getHost({ alias: 'hr-stranger' });
      if (r.ok) view = r.value;
    }
    expect(view).toMatchObject({ state: 'host-key-unknown', listeners: null, nextRetryMs: null });
  }, 90_000);
});
