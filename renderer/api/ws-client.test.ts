// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ConnectionState } from '../../app/contract/api.js';
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX, type WsCall } from '../../app/contract/ws-protocol.js';
import type { Listener } from '../../app/model/listener.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { listener, snapshot } from '../../app/testing/fixtures.js';
import { createWsClient, type WebSocketLike, type WsClient } from './ws-client.js';

const TOKEN = 'A'.repeat(43);
const servers: WebSocketServer[] = [];
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          for (const ws of s.clients) ws.terminate();
          s.close(() => resolve());
        }),
    ),
  );
});

/** A loopback server that answers calls by method name and records what it saw. */
async function startServer(port = 0) {
  const seen: { protocols: string[]; calls: WsCall[] } = { protocols: [], calls: [] };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port,
    path: '/ws',
    handleProtocols: (protocols) => {
      seen.protocols = [...protocols];
      return protocols.has(`${WS_TOKEN_PREFIX}${TOKEN}`) ? WS_SUBPROTOCOL : false;
    },
  });
  servers.push(wss);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    if (!seen.protocols.includes(`${WS_TOKEN_PREFIX}${TOKEN}`)) {
      ws.close(4401, 'bad token');
      return;
    }
    ws.send(JSON.stringify({ type: 'hello', version: 1 }));
    ws.on('message', (raw) => {
      const call = JSON.parse(String(raw)) as WsCall;
      seen.calls.push(call);
      const reply = (result: unknown) => ws.send(JSON.stringify({ type: 'result', id: call.id, result }));
      // Answer out of order on purpose: correlation must be by id.
      if (call.method === 'lookup')
        setTimeout(() => reply({ ok: true, value: { port: (call.params as { port: number }).port } }), 30);
      else if (call.method === 'getSettings') reply({ theme: 'dark' });
      else if (call.method === 'open')
        ws.send(
          JSON.stringify({ type: 'error', id: call.id, error: { code: 'INVALID_REQUEST', message: 'bad' } }),
        );
      else if (call.method === 'kill') {
        /* never answers: the test drops the connection */
      } else reply({ ok: true, value: null });
    });
  });
  const port2 = (wss.address() as { port: number }).port;
  return { wss, seen, url: `ws://127.0.0.1:${port2}/ws`, port: port2 };
}

const nodeSocket = (url: string, protocols: string[]) =>
  new WebSocket(url, protocols) as unknown as WebSocketLike;

function client(url: string, token = TOKEN) {
  const c = createWsClient({ url, token, createSocket: nodeSocket, initialDelayMs: 20, maxDelayMs: 100 });
  clients.push(c);
  return c;
}

function waitFor(c: WsClient, state: ConnectionState) {
  return new Promise<void>((resolve) => {
    const off = c.onConnection((s) => {
      if (s === state) {
        queueMicrotask(() => off());
        resolve();
      }
    });
  });
}

describe('createWsClient', () => {
  it('sends the token only as a subprotocol, never in the URL', async () => {
    const { seen, url } = await startServer();
    const c = client(url);
    await waitFor(c, 'open');
    expect(seen.protocols).toEqual([WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${TOKEN}`]);
    expect(url).not.toContain(TOKEN);
  });

  it('correlates results with calls by id, even out of order', async () => {
    const { seen, url } = await startServer();
    const c = client(url);
    const [a, b] = await Promise.all([c.lookup({ port: 3000 }), c.getSettings()]);
    expect(a).toEqual({ ok: true, value: { port: 3000 } });
    expect(b).toEqual({ theme: 'dark' });
    expect(seen.calls.map((x) => x.method)).toEqual(['lookup', 'getSettings']);
    // No-argument methods carry no params (the server's schema wants undefined).
    expect('params' in (seen.calls[1] ?? {})).toBe(false);
  });

  it('turns a protocol error into an error value', async () => {
    const { url } = await startServer();
    const c = client(url);
    expect(await c.open({ listenerId: 'x' })).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'bad' },
    });
  });

  it('delivers snapshot events to subscribers until they unsubscribe', async () => {
    const { wss, url } = await startServer();
    const c = client(url);
    const got: number[] = [];
    const off = c.onSnapshot((s) => got.push(s.seq));
    await waitFor(c, 'open');
    const push = (seq: number) => {
      for (const ws of wss.clients)
        ws.send(JSON.stringify({ type: 'event', event: 'snapshot', data: { seq } as Snapshot }));
    };
    push(1);
    await new Promise((r) => setTimeout(r, 50));
    off();
    push(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([1]);
  });

  it('applies snapshot deltas to the last push, keeping unchanged listener objects, and resyncs on a gap', async () => {
    const { wss, seen, url } = await startServer();
    const c = client(url);
    const got: Snapshot[] = [];
    c.onSnapshot((s) => got.push(s));
    await waitFor(c, 'open');
    const send = (message: unknown) => {
      for (const ws of wss.clients) ws.send(JSON.stringify(message));
    };
    const until = async (n: number) => {
      for (let i = 0; i < 100 && got.length < n; i += 1) await new Promise((r) => setTimeout(r, 10));
    };
    const [a, b, c3, d] = [3000, 3001, 3002, 3003].map((port) => listener({ port, socketId: String(port) }));
    const s1 = snapshot([a, b, c3] as Listener[], { seq: 1 });
    const b2 = { ...b, url: 'http://127.0.0.1:3001/' } as Listener;
    const s2 = snapshot([b2, c3, d] as Listener[], { seq: 2, status: 'partial' });
    const { listeners: _l, ...head2 } = s2;
    send({ type: 'event', event: 'snapshot', data: s1 });
    send({
      type: 'event',
      event: 'snapshot-delta',
      data: { snapshot: head2, baseSeq: 1, removed: [a?.id], at: [0, 2], upserts: [b2, d] },
    });
    await until(2);
    expect(got).toEqual([s1, s2]);
    // The listener the delta did not name is the object the previous snapshot gave subscribers.
    expect(got[1]?.listeners[1]).toBe(got[0]?.listeners[2]);
    // A delta built on a snapshot this client does not hold: nothing shown, a full one asked for;
    // deltas already on their way are dropped without asking again.
    const head = (seq: number) => ({ ...head2, seq });
    send({
      type: 'event',
      event: 'snapshot-delta',
      data: { snapshot: head(4), baseSeq: 3, removed: [], at: [], upserts: [] },
    });
    send({
      type: 'event',
      event: 'snapshot-delta',
      data: { snapshot: head(5), baseSeq: 4, removed: [], at: [], upserts: [] },
    });
    for (let i = 0; i < 100 && !seen.calls.some((m) => (m as { type: string }).type === 'resync'); i += 1)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(2);
    expect(seen.calls.filter((m) => (m as { type: string }).type === 'resync')).toEqual([{ type: 'resync' }]);
    const s5 = snapshot([c3, d] as Listener[], { seq: 5 });
    const s6 = snapshot([c3] as Listener[], { seq: 6 });
    const { listeners: _l6, ...head6 } = s6;
    send({ type: 'event', event: 'snapshot', data: s5 });
    send({
      type: 'event',
      event: 'snapshot-delta',
      data: { snapshot: head6, baseSeq: 5, removed: [d?.id], at: [], upserts: [] },
    });
    await until(4);
    expect(got.map((s) => s.seq)).toEqual([1, 2, 5, 6]);
    expect(got[3]).toEqual(s6);
  });

  it('ends in-flight calls with "connection lost" and reconnects with back-off', async () => {
    const { wss, url } = await startServer();
    const c = client(url);
    const states: ConnectionState[] = [];
    c.onConnection((s) => states.push(s));
    await waitFor(c, 'open');
    const pendingKill = c.kill({ listenerId: 'x', pid: 2, startToken: 't', mode: 'graceful' });
    await new Promise((r) => setTimeout(r, 30));
    for (const ws of wss.clients) ws.terminate();
    expect(await pendingKill).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    await waitFor(c, 'open');
    expect(states).toContain('closed');
    expect(states.at(-1)).toBe('open');
    // Works again after the reconnect, and the kill was not re-sent.
    expect(await c.lookup({ port: 80 })).toEqual({ ok: true, value: { port: 80 } });
  });

  it('queues calls made while disconnected until the server is back', async () => {
    const { wss, url, port } = await startServer();
    const c = client(url);
    await waitFor(c, 'open');
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    servers.splice(servers.indexOf(wss), 1);
    await waitFor(c, 'closed');
    const later = c.lookup({ port: 443 });
    await startServer(port);
    expect(await later).toEqual({ ok: true, value: { port: 443 } });
  });

  it('is refused with a wrong token and keeps saying so', async () => {
    const { url } = await startServer();
    const c = client(url, 'B'.repeat(43));
    await waitFor(c, 'closed');
    expect(c.state).not.toBe('open');
  });
});
