import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeForward, forwardStatuses, openForward } from './forwards.js';
import type { RemoteHost } from './remote-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';
import { fetchLine, fixtureHost, lineServer, waitForLine } from './test-support/remote-fixture-host.js';

const why = sshdUnavailable();
if (why) console.log(`remote-forward.sshd.test: SKIPPED, ${why}`);

// An HTTP-ish server bound to the remote's 127.0.0.1 only: reachable through a forward alone.
const SERVER = lineServer('hello from the namespace\n');

describe.skipIf(why !== null)('managed forwards over a real sshd', () => {
  let fx: SshdFixture;
  let host: RemoteHost;
  let runtimeDir: string;
  const started: ChildProcess[] = [];
  const locals: Server[] = [];
  const serve = async () => {
    const child = fx.spawnInNs(['node', '-e', SERVER]);
    started.push(child);
    return { child, port: Number((await waitForLine(child, /PORT \d+/)).slice(5)) };
  };
  beforeAll(async () => {
    fx = await createSshdFixture();
    host = fixtureHost(fx, 'hr-target', { persist: 'yes' });
    runtimeDir = dirname(host.target.controlPath);
  }, 60_000);
  afterEach(() => {
    for (const c of started.splice(0)) c.kill('SIGKILL');
    for (const s of locals.splice(0)) s.close();
  });
  afterAll(async () => {
    await host?.disconnect();
    fx?.destroy();
  });

  it('reaches the remote 127.0.0.1-bound server on the same port, listening only on loopback', async () => {
    const { port } = await serve();
    const r = await openForward(host, runtimeDir, { port, address: '127.0.0.1' }, null);
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.value.record.localPort).toBe(port);
    expect(r.value.mapping).toBe(`remote ${port} → local ${port}`);
    expect(await fetchLine(port)).toBe('hello from the namespace\n');
    const ss = execFileSync('ss', ['-Htln', `sport = :${port}`], { encoding: 'utf8' });
    const binds = ss
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[3]);
    expect(binds.length).toBeGreaterThan(0);
    for (const b of binds) expect(b).toMatch(/^(127\.0\.0\.1|\[::1\]):\d+$/);
    // From the "remote machine" side of the veth, this machine's address refuses the port.
    const fromVeth = fx.inNs(
      `node -e "require('net').connect(${port}, '${fx.hostIp}').on('connect', () => console.log('CONNECTED')).on('error', (e) => console.log(e.code))"`,
    );
    expect(fromVeth.trim()).toBe('ECONNREFUSED');
    expect(await closeForward(host, runtimeDir, r.value.record.id)).toBe(true);
    await expect(fetchLine(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a local port collision gives a different local port, and the mapping says so', async () => {
    const { port } = await serve();
    const busy = createServer();
    locals.push(busy);
    await new Promise<void>((res) => busy.listen(port, '127.0.0.1', res));
    const r = await openForward(host, runtimeDir, { port, address: '127.0.0.1' }, null);
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.value.remapped).toBe(true);
    expect(r.value.record.localPort).not.toBe(port);
    expect(r.value.mapping).toBe(`remote ${port} → local ${r.value.record.localPort}`);
    expect(await fetchLine(r.value.record.localPort)).toBe('hello from the namespace\n');
    await closeForward(host, runtimeDir, r.value.record.id);
  });

  it('a forward whose remote listener disappeared is marked "remote listener gone"', async () => {
    const { child, port } = await serve();
    const r = await openForward(host, runtimeDir, { port, address: '127.0.0.1' }, null);
    if (!r.ok) throw new Error(r.failure.message);
    expect(
      (await forwardStatuses(host, runtimeDir)).find((s) => s.record.id === r.value.record.id)?.status,
    ).toBe('ok');
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    expect(
      (await forwardStatuses(host, runtimeDir)).find((s) => s.record.id === r.value.record.id)?.status,
    ).toBe('remote listener gone');
    await closeForward(host, runtimeDir, r.value.record.id);
  });
});
