import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthUp } from '../model/health.js';
import { createHealthMonitor } from './monitor.js';
import { probeListener } from './probe.js';
import { startPostgres, startRedis, type DatabaseInstance } from './test-support/databases.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';
import { makeSelfSignedCert } from './test-support/servers.js';

const ATTACK = 'Possible SECURITY ATTACK';
// What PostgreSQL logs when it receives something that is not its protocol, or a half-done
// handshake (docs/SECURITY.md#probe-policy).
const PG_COMPLAINTS = [
  'invalid length of startup packet',
  'incomplete startup packet',
  'unsupported frontend protocol',
  'invalid startup packet layout',
  'could not accept SSL connection',
  'could not receive data from client',
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends raw bytes to a loopback port and waits until the peer closes (or `ms` passes). */
function sendRaw(port: number, bytes: string, ms = 1000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(Buffer.from(bytes, 'latin1')));
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
  });
}

function asUp(h: unknown): HealthUp {
  expect((h as { state: string }).state, JSON.stringify(h)).toBe('up');
  return h as HealthUp;
}

describe('a real redis-server', () => {
  let redis: DatabaseInstance;
  let locked: DatabaseInstance;
  beforeAll(async () => {
    redis = await startRedis();
    locked = await startRedis(['--requirepass', 'correct-horse']);
  });
  afterAll(async () => {
    await redis?.stop();
    await locked?.stop();
  });

  it('is reported up as Redis by PING, and logs no security warning', async () => {
    const listener = listenerAt('127.0.0.1', redis.port, ownerNamed('redis-server', '/usr/bin/redis-server'));
    const h = asUp(await probeListener(listener, { onRequest: false }));
    expect(h.kind).toBe('redis');
    expect(h.protocol).toBe('Redis');
    expect(h.detail).toBeUndefined();
    await sleep(200);
    const log = await redis.log();
    expect(log).toMatch(/Accepted 127\.0\.0\.1:\d+/);
    expect(log).not.toContain(ATTACK);
  });

  it('gets only PING even when the user asks to check it now, whoever the owner seems to be', async () => {
    const monitor = createHealthMonitor();
    try {
      // Owner unknown and port not 6379: the redis-server name is what keeps HTTP away.
      const byName = listenerAt('127.0.0.1', redis.port, ownerNamed('redis-server'));
      asUp(await monitor.checkNow(byName));
      expect(monitor.get(byName.id).state).toBe('unknown'); // not observed, so not stored
    } finally {
      monitor.dispose();
    }
    await sleep(200);
    expect(await redis.log()).not.toContain(ATTACK);
  });

  it('says a password is required when Redis answers NOAUTH', async () => {
    const listener = listenerAt('127.0.0.1', locked.port, ownerNamed('redis-server'));
    const h = asUp(await probeListener(listener, { onRequest: true }));
    expect(h.kind).toBe('redis');
    expect(h.detail).toBe('Redis requires a password');
    expect(await locked.log()).not.toContain(ATTACK);
  });

  it('control: the same log does record an HTTP request, so the checks above can fail', async () => {
    await sendRaw(redis.port, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await sleep(200);
    expect(await redis.log()).toContain(ATTACK);
  });
});

describe('a real PostgreSQL', () => {
  let pg: DatabaseInstance;
  let pgTls: DatabaseInstance;
  beforeAll(async () => {
    pg = await startPostgres();
    pgTls = await startPostgres(await makeSelfSignedCert());
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    await pgTls?.stop();
  });

  /**
   * The part of the log written since `from` (a byte offset), once `connections` new connections
   * show up in it and backends had a moment to log anything else. Only the new part is checked:
   * other programs on a shared machine may knock on a listening port too.
   */
  async function logSince(instance: DatabaseInstance, from: number, connections: number): Promise<string> {
    for (let i = 0; i < 40; i += 1) {
      const part = (await instance.log()).slice(from);
      if ((part.match(/connection received: host=127\.0\.0\.1/g) ?? []).length >= connections) break;
      await sleep(50);
    }
    await sleep(300);
    return (await instance.log()).slice(from);
  }
  const logLength = async (instance: DatabaseInstance): Promise<number> => (await instance.log()).length;

  it('is reported up as PostgreSQL by an SSLRequest alone, and sees no HTTP', async () => {
    const listener = listenerAt('127.0.0.1', pg.port, ownerNamed('postgres', 'postgres -D /tmp/x'));
    const from = await logLength(pg);
    const h = asUp(await probeListener(listener, { onRequest: false }));
    expect(h.kind).toBe('postgres');
    expect(h.protocol).toBe('PostgreSQL');
    expect(h.detail).toBe('PostgreSQL (SSL off)');

    const monitor = createHealthMonitor();
    try {
      asUp(await monitor.checkNow(listener));
    } finally {
      monitor.dispose();
    }
    const log = await logSince(pg, from, 2);
    expect((log.match(/connection received: host=127\.0\.0\.1/g) ?? []).length, log).toBeGreaterThanOrEqual(
      2,
    );
    for (const complaint of PG_COMPLAINTS) expect(log).not.toContain(complaint);
  });

  it('finishes the TLS handshake politely when SSL is on, and reports the certificate', async () => {
    const listener = listenerAt('127.0.0.1', pgTls.port, ownerNamed('postgres'));
    const from = await logLength(pgTls);
    const h = asUp(await probeListener(listener, { onRequest: true }));
    expect(h.kind).toBe('postgres');
    expect(h.detail).toBe('PostgreSQL (accepts SSL)');
    expect(h.tls?.selfSigned).toBe(true);
    const log = await logSince(pgTls, from, 1);
    expect(log).toContain('connection received: host=127.0.0.1');
    for (const complaint of PG_COMPLAINTS) expect(log).not.toContain(complaint);
  });

  it('control: hanging up right after the server says S is logged, which is why the probe finishes the handshake', async () => {
    const from = await logLength(pgTls);
    const reply = await sendRaw(pgTls.port, '\x00\x00\x00\x08\x04\xd2\x16\x2f', 300);
    expect(reply).toBe('S');
    const log = await logSince(pgTls, from, 1);
    expect(log).toContain('could not accept SSL connection');
  });

  it('control: the same log does record an HTTP request, so the checks above can fail', async () => {
    const from = await logLength(pg);
    await sendRaw(pg.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const log = await logSince(pg, from, 1);
    expect(PG_COMPLAINTS.some((c) => log.includes(c))).toBe(true);
  });
});
