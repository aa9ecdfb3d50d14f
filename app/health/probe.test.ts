import { connect as netConnect } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Health, HealthUp } from '../model/health.js';
import { probeListener } from './probe.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';
import { waitUntil } from '../testing/wait.js';
import {
  freePort,
  makeSelfSignedCert,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  type TestServer,
} from './test-support/servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function keep(server: Promise<TestServer>): Promise<TestServer> {
  const s = await server;
  servers.push(s);
  return s;
}

function expectUp(health: Health): HealthUp {
  expect(health.state, JSON.stringify(health)).toBe('up');
  return health as HealthUp;
}

const node = ownerNamed('node', 'node server.js');
const automatic = { onRequest: false } as const;

describe('HTTP probes against real servers', () => {
  it('reports status, Server header, a decoded text-only title and latency for a 200 page', async () => {
    const s = await keep(
      startHttpServer((_req, res) => {
        res.setHeader('Server', 'TestServer/1.0');
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(
          '<html><head><title>\n  Tom &amp; Jerry&#x2019;s <b>dev</b>\tserver  </title></head><body>hi</body></html>',
        );
      }),
    );
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), automatic));
    expect(h.kind).toBe('http');
    expect(h.status).toBe(200);
    expect(h.server).toBe('TestServer/1.0');
    expect(h.title).toBe('Tom & Jerry’s dev server');
    expect(h.latencyMs).toBeGreaterThanOrEqual(0);
    expect(h.latencyMs).toBeLessThan(1000);
    expect(h.checkedAt).toBeGreaterThan(Date.now() - 5000);
  });

  it('sends one polite GET / with the probed address as Host, no cookies, Connection: close', async () => {
    const s = await keep(startHttpServer((_req, res) => res.end('ok')));
    await probeListener(listenerAt('127.0.0.1', s.port, node), automatic);
    const [request] = s.received();
    const text = request?.toString('latin1') ?? '';
    expect(text.startsWith('GET / HTTP/1.1\r\n')).toBe(true);
    expect(text).toContain(`\r\nHost: 127.0.0.1:${s.port}\r\n`);
    expect(text).toContain('\r\nConnection: close\r\n');
    expect(text).toMatch(/\r\nUser-Agent: Harbormaster-probe\//);
    expect(text.toLowerCase()).not.toContain('cookie');
    expect(s.connections()).toBe(1);
  });

  it('reports a 500 as up with the status and a server-error note', async () => {
    const s = await keep(
      startHttpServer((_req, res) => {
        res.statusCode = 500;
        res.end('<title>Internal Server Error</title>boom');
      }),
    );
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), automatic));
    expect(h.status).toBe(500);
    expect(h.title).toBe('Internal Server Error');
    expect(h.detail).toContain('Server error 500');
  });

  it('reports a redirect to another host:port and never follows it', async () => {
    const elsewhere = await keep(startHttpServer((_req, res) => res.end('you should not be here')));
    const target = `http://127.0.0.1:${elsewhere.port}/landing?x=1`;
    const s = await keep(
      startHttpServer((_req, res) => {
        res.statusCode = 302;
        res.setHeader('Location', target);
        res.end();
      }),
    );
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), { onRequest: true }));
    expect(h.status).toBe(302);
    expect(h.redirect).toBe(target);
    expect(h.detail).toContain('Redirects to another host (not followed)');
    // Positive control instead of a fixed wait: a connection made now is accepted after any the
    // probe made earlier, so once it is counted, a followed redirect would be counted too.
    const control = netConnect(elsewhere.port, '127.0.0.1').on('error', () => undefined);
    expect(await waitUntil(() => elsewhere.connections() >= 1)).toBe(true);
    control.destroy();
    expect(elsewhere.connections()).toBe(1);
    expect(s.connections()).toBe(1);
  });

  it('resolves a relative redirect against the probed origin and does not follow it either', async () => {
    const s = await keep(
      startHttpServer((_req, res) => {
        res.statusCode = 301;
        res.setHeader('Location', '/login');
        res.end();
      }),
    );
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), automatic));
    expect(h.redirect).toBe(`http://127.0.0.1:${s.port}/login`);
    expect(h.detail).toContain('Redirects within this server (not followed)');
    expect(s.connections()).toBe(1);
  });

  it('times out within the 2 s deadline on a server that accepts and never answers', async () => {
    const s = await keep(startTcpServer(() => undefined));
    const started = performance.now();
    const h = await probeListener(listenerAt('127.0.0.1', s.port, node), automatic);
    const took = performance.now() - started;
    expect(h.state).toBe('timeout');
    expect(took).toBeLessThan(2200);
    expect(took).toBeGreaterThan(1800);
    expect(h.state === 'timeout' ? h.detail : '').toContain('no HTTP response');
  });

  it('caps an endless body at 64 KB and returns promptly', async () => {
    let sent = 0;
    const s = await keep(
      startHttpServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.write('<title>Forever</title>');
        const chunk = 'x'.repeat(16 * 1024);
        const pump = (): void => {
          let more = true;
          while (more && !res.destroyed) {
            more = res.write(chunk);
            sent += chunk.length;
          }
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      }),
    );
    const started = performance.now();
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), automatic));
    const took = performance.now() - started;
    expect(h.status).toBe(200);
    expect(h.title).toBe('Forever');
    expect(h.detail).toContain('first 64 KB only');
    expect(took).toBeLessThan(1500);
    expect(sent).toBeGreaterThan(64 * 1024);
  });

  it('reports a server whose response does not finish before the deadline as up, with a note', async () => {
    const s = await keep(
      startHttpServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': '100000' });
        res.write('<title>Slow</title>');
      }),
    );
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), automatic));
    expect(h.title).toBe('Slow');
    expect(h.detail).toContain('did not finish within 2 s');
  });

  it('probes an IPv6-only server on ::1 over IPv6', async () => {
    const s = await keep(startHttpServer((_req, res) => res.end('<title>six</title>'), '::1'));
    const h = expectUp(await probeListener(listenerAt('::1', s.port, node), automatic));
    expect(h.title).toBe('six');
    expect(s.received()[0]?.toString('latin1')).toContain(`\r\nHost: [::1]:${s.port}\r\n`);
  });

  it('probes a wildcard IPv4 bind over 127.0.0.1', async () => {
    const s = await keep(
      startHttpServer((req, res) => res.end(`<title>${req.socket.localAddress ?? ''}</title>`), '0.0.0.0'),
    );
    const h = expectUp(await probeListener(listenerAt('0.0.0.0', s.port, node), automatic));
    expect(h.title).toBe('127.0.0.1');
  });

  it('reports a refused port as refused', async () => {
    const port = await freePort();
    const h = await probeListener(listenerAt('127.0.0.1', port, node), automatic);
    expect(h.state).toBe('refused');
  });
});

describe('HTTPS probes', () => {
  let tls: { key: string; cert: string };
  beforeAll(async () => {
    tls = await makeSelfSignedCert();
  });

  it('reports a self-signed HTTPS server as https up with a certificate note, not as down', async () => {
    const s = await keep(startHttpsServer(tls, (_req, res) => res.end('<title>Secure dev</title>')));
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), automatic));
    expect(h.kind).toBe('https');
    expect(h.status).toBe(200);
    expect(h.title).toBe('Secure dev');
    expect(h.tls?.selfSigned).toBe(true);
    expect(h.tls?.note).toContain('self-signed');
    expect(h.tls?.subject).toBe('localhost');
    expect(h.detail).toContain('self-signed');
  });

  it('goes straight to TLS when the listener answered HTTPS last time (one connection)', async () => {
    const s = await keep(startHttpsServer(tls, (_req, res) => res.end('<title>Again</title>')));
    const previous: Health = { state: 'up', kind: 'https', checkedAt: 0, latencyMs: 1 };
    const h = expectUp(
      await probeListener(listenerAt('127.0.0.1', s.port, node), { onRequest: false, previous }),
    );
    expect(h.kind).toBe('https');
    expect(h.title).toBe('Again');
    expect(s.connections()).toBe(1);
  });

  it('times out within the deadline when a TLS-first guess meets a silent server', async () => {
    const s = await keep(startTcpServer(() => undefined));
    const previous: Health = { state: 'up', kind: 'https', checkedAt: 0, latencyMs: 1 };
    const started = performance.now();
    const h = await probeListener(listenerAt('127.0.0.1', s.port, node), { onRequest: false, previous });
    expect(h.state).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2200);
    expect(s.connections()).toBe(1);
  });

  it('falls back to plain HTTP when a TLS-first guess was wrong', async () => {
    const s = await keep(startHttpServer((_req, res) => res.end('<title>Plain</title>')));
    const previous: Health = { state: 'up', kind: 'https', checkedAt: 0, latencyMs: 1 };
    const h = expectUp(
      await probeListener(listenerAt('127.0.0.1', s.port, node), { onRequest: false, previous }),
    );
    expect(h.kind).toBe('http');
    expect(h.title).toBe('Plain');
  });
});

describe('banner-first and non-HTTP servers', () => {
  it('recognises an SSH banner and sends nothing, even to a web-looking owner', async () => {
    const s = await keep(
      startTcpServer((socket) => {
        socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
      }),
    );
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, node), { onRequest: true }));
    expect(h.kind).toBe('banner');
    expect(h.protocol).toBe('SSH');
    expect(h.banner).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2');
    // The probe's connection closing means everything it sent has arrived.
    expect(await waitUntil(() => s.connections() === 1 && s.openConnections() === 0)).toBe(true);
    expect(s.received().every((b) => b.length === 0)).toBe(true);
  });

  it('recognises a MySQL greeting packet with its version', async () => {
    const version = Buffer.from('8.0.36\0', 'latin1');
    const payload = Buffer.concat([Buffer.from([0x0a]), version, Buffer.alloc(20, 1)]);
    const header = Buffer.from([payload.length & 0xff, payload.length >> 8, 0, 0]);
    const s = await keep(startTcpServer((socket) => socket.write(Buffer.concat([header, payload]))));
    const h = expectUp(await probeListener(listenerAt('127.0.0.1', s.port, ownerNamed('mysqld')), automatic));
    expect(h.protocol).toBe('MySQL');
    expect(h.banner).toBe('MySQL 8.0.36');
  });

  it('strips control and bidi characters from a banner and caps its length', async () => {
    const s = await keep(
      startTcpServer((socket) => socket.write(`220 evil\x1b[31m\u202Eexe.txt ${'a'.repeat(500)}\r\n`)),
    );
    const h = expectUp(
      await probeListener(listenerAt('127.0.0.1', s.port, ownerNamed('mystery')), automatic),
    );
    // eslint-disable-next-line no-control-regex -- asserting control characters are gone
    expect(h.banner).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(h.banner?.startsWith('220 evilexe.txt aaa')).toBe(true);
    expect(h.banner?.length).toBeLessThanOrEqual(200);
  });

  it('sends nothing to a silent server whose owner does not look like a web server, unless asked', async () => {
    const s = await keep(startTcpServer(() => undefined));
    const listener = listenerAt('127.0.0.1', s.port, ownerNamed('mystery-daemon'));
    const h = expectUp(await probeListener(listener, automatic));
    expect(h.kind).toBe('tcp');
    expect(s.received().every((b) => b.length === 0)).toBe(true);

    const asked = await probeListener(listener, { onRequest: true });
    expect(asked.state).toBe('timeout');
    expect(s.received().at(-1)?.toString('latin1')).toMatch(/^GET \/ HTTP\/1\.1/);
  });

  it('never sends HTTP to an owner that never speaks it, even on request', async () => {
    const s = await keep(startHttpServer((_req, res) => res.end('<title>oops</title>')));
    const h = expectUp(
      await probeListener(listenerAt('127.0.0.1', s.port, ownerNamed('sshd')), { onRequest: true }),
    );
    expect(h.kind).toBe('tcp');
    expect(s.received().every((b) => b.length === 0)).toBe(true);
  });

  it('sends only PING to a Redis owner on an unusual port, even on request', async () => {
    const s = await keep(startTcpServer((socket) => socket.on('data', () => socket.write('+PONG\r\n'))));
    const h = expectUp(
      await probeListener(listenerAt('127.0.0.1', s.port, ownerNamed('redis-server')), {
        onRequest: true,
      }),
    );
    expect(h.kind).toBe('redis');
    expect(s.received().map((b) => b.toString('latin1'))).toEqual(['PING\r\n']);
  });

  it('does not probe UDP listeners', async () => {
    const h = await probeListener(listenerAt('127.0.0.1', 5353, node, 'udp'), { onRequest: true });
    expect(h).toEqual({ state: 'unknown', reason: 'UDP is not probed' });
  });
});
