import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import { ok } from '../model/errors.js';
import type { SnapshotSource } from '../watch/types.js';
import { ipv6Available } from './lookup.js';
import { probeListener } from '../health/probe.js';
import { OPENER_ENV, openListener, resolveOpenerCommand, type Opener } from './open.js';
import { listener, snapshot } from '../testing/fixtures.js';
import { killTracked, spawnNode, startServer } from './test-support/processes.js';
import { createCoreSource } from './test-support/core-source.js';

const linux = process.platform === 'linux';
/** IPv6 may be disabled in some CI containers; the v6 case then has nothing to test. */
const v6 = await ipv6Available();

/** The real on-request probe, as the service hands it to `open`. */
const probe = (l: Listener): Promise<Health> => probeListener(l, { onRequest: true });

function fixtureSource(listeners: Snapshot['listeners']): SnapshotSource {
  const snap = snapshot({ source: 'ss', listeners });
  return { latest: () => snap, refresh: async () => snap };
}

describe.runIf(linux)('openListener with a real server and a real opener executable', () => {
  let dir: string;
  let opener: string;
  let out: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-open-'));
    out = join(dir, 'opened.txt');
    opener = join(dir, 'opener.sh');
    // The e2e contract: HARBORMASTER_OPENER gets the URL as its only argument.
    writeFileSync(opener, `#!/bin/sh\nprintf '%s|%s' "$#" "$1" > '${out}'\n`);
    chmodSync(opener, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    killTracked();
    rmSync(out, { force: true });
  });

  async function openPort(host: string): Promise<{ url: string; port: number; captured: string }> {
    const server = await startServer({ host, http: true });
    const source = createCoreSource();
    const snap = await source.refresh();
    const l = snap.listeners.find((x) => x.port === server.port && x.protocol === 'tcp');
    if (!l) throw new Error('listener not scanned');
    const r = await openListener(l.id, { source, probe, env: { ...process.env, [OPENER_ENV]: opener } });
    if (!r.ok) throw new Error(r.error.message);
    return { url: r.value.url, port: server.port, captured: readFileSync(out, 'utf8') };
  }

  it('opens an IPv4 loopback server at http://127.0.0.1:PORT/', async () => {
    const { url, port, captured } = await openPort('127.0.0.1');
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    expect(captured).toBe(`1|${url}`);
  });

  it('opens a wildcard server through the loopback address', async () => {
    const { url, port } = await openPort('0.0.0.0');
    expect(url).toBe(`http://127.0.0.1:${port}/`);
  });

  it.runIf(v6)('opens an IPv6-only server at http://[::1]:PORT/', async () => {
    const { url, port, captured } = await openPort('::1');
    expect(url).toBe(`http://[::1]:${port}/`);
    expect(captured).toBe(`1|${url}`);
  });

  it('reports an opener that fails instead of claiming success', async () => {
    const failing = join(dir, 'fail.sh');
    writeFileSync(failing, '#!/bin/sh\nexit 3\n');
    chmodSync(failing, 0o755);
    const server = await startServer({ http: true });
    const source = createCoreSource();
    const l = (await source.refresh()).listeners.find((x) => x.port === server.port);
    const r = await openListener(l?.id ?? '', { source, probe, env: { [OPENER_ENV]: failing } });
    expect(r).toMatchObject({ ok: false, error: { code: 'OPEN_FAILED' } });
  });

  it('has nothing to open for a UDP socket and never calls the opener', async () => {
    const proc = spawnNode(
      `const s = require('dgram').createSocket('udp4'); s.bind(0, '127.0.0.1', () => process.stdout.write('bound ' + s.address().port + '\\n')); setInterval(() => {}, 1 << 30);`,
    );
    const port = Number((await proc.waitForLine(/^bound (\d+)$/))[1]);
    const source = createCoreSource();
    const l = (await source.refresh()).listeners.find((x) => x.port === port && x.protocol === 'udp');
    expect(l).toBeDefined();
    const r = await openListener(l?.id ?? '', { source, env: { [OPENER_ENV]: opener } });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    expect(existsSync(out)).toBe(false);
  });
});

describe('openListener policy', () => {
  const calls: string[] = [];
  const spyOpener: Opener = async (url) => {
    calls.push(url);
    return ok(undefined);
  };
  afterEach(() => {
    calls.length = 0;
  });

  it('uses https when the probe found TLS', async () => {
    const l = listener({
      port: 8443,
      health: { state: 'up', kind: 'https', checkedAt: 0, latencyMs: 3, tls: { selfSigned: true } },
    });
    const r = await openListener(l.id, { source: fixtureSource([l]), opener: spyOpener });
    expect(r).toEqual({ ok: true, value: { url: 'https://127.0.0.1:8443/' } });
    expect(calls).toEqual(['https://127.0.0.1:8443/']);
  });

  it('rebuilds the URL from the listener fields, ignoring any url it carries', async () => {
    const http: Health = {
      state: 'up',
      kind: 'http',
      status: 200,
      checkedAt: 0,
      latencyMs: 1,
      sent: ['http-get'],
    };
    const l = { ...listener({ port: 3000, health: http }), url: 'file:///etc/passwd' };
    const r = await openListener(l.id, { source: fixtureSource([l]), opener: spyOpener });
    expect(r).toEqual({ ok: true, value: { url: 'http://127.0.0.1:3000/' } });
  });

  it('launch: false answers the verified URL and launches nothing (the page opens it in browser mode)', async () => {
    const http: Health = {
      state: 'up',
      kind: 'http',
      status: 200,
      checkedAt: 0,
      latencyMs: 1,
      sent: ['http-get'],
    };
    const l = { ...listener({ port: 3000, health: http }), url: 'javascript:alert(1)' };
    const r = await openListener(l.id, { source: fixtureSource([l]), opener: spyOpener }, { launch: false });
    expect(r).toEqual({ ok: true, value: { url: 'http://127.0.0.1:3000/' } });
    const redis = listener({ port: 6379 });
    const refused = await openListener(
      redis.id,
      { source: fixtureSource([redis]), opener: spyOpener },
      { launch: false },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    expect(calls).toEqual([]);
  });

  it('refuses never-HTTP services and unknown listeners without calling the opener', async () => {
    const redis = listener({ port: 6379 });
    expect(await openListener(redis.id, { source: fixtureSource([redis]), opener: spyOpener })).toMatchObject(
      {
        ok: false,
        error: { code: 'UNSUPPORTED', message: expect.stringContaining('Redis') },
      },
    );
    expect(
      await openListener('tcp:4:127.0.0.1:1:gone', { source: fixtureSource([redis]), opener: spyOpener }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_SNAPSHOT' },
    });
    expect(await openListener('', { source: fixtureSource([redis]), opener: spyOpener })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(calls).toEqual([]);
  });
});

describe('resolveOpenerCommand', () => {
  it('picks the platform opener by absolute path, argv only', async () => {
    expect(await resolveOpenerCommand({}, 'darwin')).toEqual({
      ok: true,
      value: { file: '/usr/bin/open', argsBeforeUrl: [] },
    });
    expect(await resolveOpenerCommand({ SystemRoot: 'C:\\Windows' }, 'win32')).toEqual({
      ok: true,
      value: { file: 'C:\\Windows\\System32\\rundll32.exe', argsBeforeUrl: ['url.dll,FileProtocolHandler'] },
    });
    const linuxOpener = await resolveOpenerCommand({ PATH: 'relative/bin' }, 'linux');
    if (linuxOpener.ok) expect(linuxOpener.value.file).toMatch(/^\/.*\/xdg-open$/);
    else expect(linuxOpener.error.code).toBe('TOOL_MISSING');
  });

  it('accepts HARBORMASTER_OPENER only as an absolute path to an executable file', async () => {
    expect(await resolveOpenerCommand({ [OPENER_ENV]: 'opener.sh' }, 'linux')).toMatchObject({
      ok: false,
      error: { code: 'OPEN_FAILED', message: expect.stringContaining('absolute') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'hm-opener-'));
    try {
      const plain = join(dir, 'not-executable');
      writeFileSync(plain, '#!/bin/sh\n');
      chmodSync(plain, 0o644);
      expect(await resolveOpenerCommand({ [OPENER_ENV]: plain }, 'linux')).toMatchObject({
        ok: false,
        error: { code: 'OPEN_FAILED' },
      });
      expect(await resolveOpenerCommand({ [OPENER_ENV]: dir }, 'linux')).toMatchObject({ ok: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
