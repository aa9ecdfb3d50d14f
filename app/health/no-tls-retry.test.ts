import { afterEach, describe, expect, it } from 'vitest';
import type { Health } from '../model/health.js';
import { probeListener } from './probe.js';
import { describeSent } from './sent.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';
import { startTcpServer, type TestServer } from './test-support/servers.js';

// Issue 9, item 4: one policy for every face. A service that hangs up on GET / gets no second
// connection with a TLS ClientHello, and a probe says what it sent.
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function keep(s: Promise<TestServer>): Promise<TestServer> {
  const server = await s;
  servers.push(server);
  return server;
}

const rawsvc = ownerNamed('rawsvc', '/opt/rawsvc --port 9');

describe('no TLS retry after a close without data', () => {
  it('a non-web service that closes on GET / gets one connection and only the GET (checked on request)', async () => {
    const s = await keep(startTcpServer((socket) => socket.once('data', () => socket.destroy())));
    const h = await probeListener(listenerAt('127.0.0.1', s.port, rawsvc), { onRequest: true });
    expect(h).toMatchObject({ state: 'up', kind: 'tcp', sent: ['http-get'] });
    expect(s.connections()).toBe(1);
    expect(s.received().map((b) => b.toString('latin1').split('\r\n')[0])).toEqual(['GET / HTTP/1.1']);
    expect(describeSent(h)).toBe('GET / (HTTP)');
  });

  it('in bulk mode the same service is only connected to, and sent nothing', async () => {
    const s = await keep(startTcpServer((socket) => socket.once('data', () => socket.destroy())));
    const h = await probeListener(listenerAt('127.0.0.1', s.port, rawsvc), { onRequest: false });
    expect(h).toMatchObject({ state: 'up', kind: 'tcp', sent: [] });
    expect(s.received().map((b) => b.length)).toEqual([0]);
    expect(describeSent(h)).toBe('nothing (connect, listen)');
  });
});

describe('describeSent', () => {
  it('names every step in order, and nothing for results no probe made', () => {
    const h: Health = {
      state: 'up',
      kind: 'https',
      checkedAt: 0,
      latencyMs: 1,
      sent: ['http-get', 'tls-client-hello', 'http-get'],
    };
    expect(describeSent(h)).toBe('GET / (HTTP), then TLS ClientHello, then GET / (HTTP)');
    expect(describeSent({ state: 'unknown' })).toBe('');
    expect(describeSent({ state: 'refused', checkedAt: 0, latencyMs: 1 })).toBe('nothing (refused)');
  });
});
