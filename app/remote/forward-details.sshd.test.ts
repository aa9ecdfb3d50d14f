import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSignedCert } from '../health/test-support/servers.js';
import { readForwards } from './forward-registry.js';
import { openForward } from './forwards.js';
import { createHostSession, type HostView } from './host-session.js';
import { probeScheme } from './scheme-probe.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';
import { fixtureHost, waitForLine } from './test-support/remote-fixture-host.js';

const why = sshdUnavailable();
if (why) console.log(`forward-details.sshd.test: SKIPPED, ${why}`);

// Remote servers bound to the namespace's 127.0.0.1 only, on a port given as argv[1] (0: any).
const HTTP = `const p = Number(process.argv[1]);
const s = require('node:http').createServer((q, r) => r.end('plain'));
s.listen(p, '127.0.0.1', () => console.log('PORT ' + s.address().port));`;
const HTTPS = `const fs = require('node:fs');
const s = require('node:https').createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) }, (q, r) => r.end('secure'));
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));`;
const BANNER = `const s = require('node:net').createServer((c) => c.write('220 not http\\r\\n'));
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));`;

/** Connects and says how the local end answered: data, refused, or closed without a byte. */
function knock(port: number): Promise<'refused' | 'closed' | 'open'> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => (c.destroy(), resolve('open')));
    c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : 'closed'));
  });
}

describe.skipIf(why !== null)('forward details over a real sshd (hr2- namespaces)', () => {
  let fx: SshdFixture;
  const started: ChildProcess[] = [];
  const serve = async (code: string, ...args: string[]) => {
    const child = fx.spawnInNs(['node', '-e', code, ...args]);
    started.push(child);
    return { child, port: Number((await waitForLine(child, /PORT \d+/)).slice(5)) };
  };
  beforeAll(async () => {
    fx = await createSshdFixture('hr2');
  }, 60_000);
  afterAll(() => {
    for (const c of started) c.kill('SIGKILL');
    fx?.destroy();
  });

  it('learns http, https or neither through the forward before anything is opened', async () => {
    const tls = await makeSelfSignedCert();
    writeFileSync(join(fx.dir, 'tls.key'), tls.key);
    writeFileSync(join(fx.dir, 'tls.crt'), tls.cert);
    expect(readFileSync(join(fx.dir, 'tls.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
    const host = fixtureHost(fx, 'hr-target', { persist: 'yes' });
    const dir = dirname(host.target.controlPath);
    const expected = new Map<number, string | null>();
    const http = await serve(HTTP, '0');
    expected.set(http.port, 'http');
    const https = await serve(HTTPS, join(fx.dir, 'tls.key'), join(fx.dir, 'tls.crt'));
    expected.set(https.port, 'https');
    const banner = await serve(BANNER);
    expected.set(banner.port, null);
    const seen = new Map<number, string | null>();
    for (const port of expected.keys()) {
      const f = await openForward(host, dir, { port, address: '127.0.0.1' }, null);
      if (!f.ok) throw new Error(f.failure.message);
      seen.set(port, await probeScheme(f.value.record.localPort, '127.0.0.1', 5_000));
    }
    expect(seen).toEqual(expected);
    await host.disconnect();
  }, 90_000);

  it('a forward whose remote listener went is cancelled (its local port refuses at once), marked gone, and comes back with the listener', async () => {
    const host = fixtureHost(fx, 'hr-target', { persist: 'yes' });
    const dir = dirname(host.target.controlPath);
    const views: HostView[] = [];
    let wake: (() => void) | null = null;
    const session = createHostSession({
      host,
      runtimeDir: dir,
      intervalMs: 300,
      onChange: (v) => (views.push(v), wake?.()),
    });
    const until = async (test: () => boolean, ms = 60_000) => {
      const end = Date.now() + ms;
      while (!test() && Date.now() < end) await new Promise<void>((r) => ((wake = r), setTimeout(r, 200)));
      return test();
    };
    const first = await serve(HTTP, '0');
    session.start();
    expect(await until(() => session.view().state === 'ok')).toBe(true);
    const f = await openForward(host, dir, { port: first.port, address: '127.0.0.1' }, null);
    if (!f.ok) throw new Error(f.failure.message);
    const local = f.value.record.localPort;
    expect(await knock(local)).toBe('open');

    first.child.kill('SIGKILL');
    const gone = () => readForwards(dir).find((r) => r.id === f.value.record.id)?.gone === true;
    expect(await until(gone)).toBe(true);
    // Refused by the kernel: nothing listens locally any more, so no client hangs on it.
    const t0 = performance.now();
    expect(await knock(local)).toBe('refused');
    expect(performance.now() - t0).toBeLessThan(1_000);

    // The same remote port listens again: the forward is restored on the same local port.
    await serve(HTTP, String(first.port));
    expect(await until(() => !gone())).toBe(true);
    expect(await knock(local)).toBe('open');
    await session.dispose();
  }, 120_000);
});
