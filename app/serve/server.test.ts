import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { applySnapshotDelta } from '../contract/snapshot-delta.js';
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX, type WsServerMessage } from '../contract/ws-protocol.js';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import { isAlive, waitUntil } from '../testing/wait.js';
import { startServe, type ServeHandle } from './server.js';
import {
  createRecordingService,
  fakeListener,
  type RecordingService,
} from './test-support/recording-service.js';

let staticDir = '';
let outsideFile = '';

beforeAll(() => {
  const base = mkdtempSync(path.join(tmpdir(), 'hm-serve-'));
  staticDir = path.join(base, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Harbormaster</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(path.join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(staticDir, '.secret'), 'dotfile');
  outsideFile = path.join(base, 'outside.txt');
  writeFileSync(outsideFile, 'SECRET-OUTSIDE');
  symlinkSync(outsideFile, path.join(staticDir, 'escape.txt'));
});

afterAll(() => {
  rmSync(path.dirname(staticDir), { recursive: true, force: true });
});

let service: RecordingService;
let handle: ServeHandle;
const children: ChildProcess[] = [];

beforeEach(async () => {
  service = createRecordingService();
  const started = await startServe({ service, staticDir, port: 0 });
  if (!started.ok) throw new Error(started.error.message);
  handle = started.value;
});

afterEach(async () => {
  await handle.close();
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  pathname: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: init.host ?? '127.0.0.1',
        port: handle.port,
        path: pathname,
        method: init.method ?? 'GET',
        headers: { Host: `127.0.0.1:${handle.port}`, ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Sends raw bytes and returns the first line of the answer (or '' when the socket just closed). */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(handle.port, '127.0.0.1');
    let data = '';
    socket.on('data', (c) => (data += c.toString()));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.write(bytes);
    setTimeout(() => socket.end(), 300);
  });
}

const origin = (): string => `http://127.0.0.1:${handle.port}`;
const goodProtocols = (): string[] => [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${handle.token}`];

type WsOutcome = { ws: WebSocket; protocol: string; box: Inbox } | { status: number };

function openWs(
  options: {
    protocols?: string[];
    origin?: string | null;
    headers?: Record<string, string>;
    path?: string;
  } = {},
): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    const originValue = options.origin === undefined ? origin() : options.origin;
    const ws = new WebSocket(
      `ws://127.0.0.1:${handle.port}${options.path ?? '/ws'}`,
      options.protocols ?? goodProtocols(),
      {
        headers,
        ...(originValue === null ? {} : { origin: originValue }),
      },
    );
    // Listen before 'open': the hello can arrive in the same packet as the 101 response.
    const box = inbox(ws);
    ws.once('open', () => resolve({ ws, protocol: ws.protocol, box }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', (e) => reject(e));
  });
}

function connected(outcome: WsOutcome): { ws: WebSocket; box: Inbox } {
  if (!('ws' in outcome)) throw new Error(`WebSocket rejected with ${outcome.status}`);
  return { ws: outcome.ws, box: outcome.box };
}

/** Collects messages; `next(pred)` waits for the first (already received or future) match. */
interface Inbox {
  next: (pred: (m: WsServerMessage) => boolean) => Promise<WsServerMessage>;
  all: WsServerMessage[];
}

function inbox(ws: WebSocket): Inbox {
  const all: WsServerMessage[] = [];
  const waiters: { pred: (m: WsServerMessage) => boolean; resolve: (m: WsServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WsServerMessage;
    all.push(message);
    for (const w of [...waiters]) {
      if (w.pred(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  return {
    all,
    next: (pred) =>
      new Promise((resolve) => {
        const found = all.find(pred);
        if (found) resolve(found);
        else waiters.push({ pred, resolve });
      }),
  };
}

async function call(
  ws: WebSocket,
  box: Inbox,
  id: number,
  method: string,
  params?: unknown,
): Promise<WsServerMessage> {
  ws.send(
    JSON.stringify(
      params === undefined ? { type: 'call', id, method } : { type: 'call', id, method, params },
    ),
  );
  return box.next((m) => (m.type === 'result' || m.type === 'error') && m.id === id);
}

/** A real process holding nothing; the tests only check whether it is still alive. */
function spawnVictim(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('binding', () => {
  it('listens on loopback only, on one port for IPv4 and IPv6, and prints a URL carrying the token in the fragment', async () => {
    expect(handle.addresses[0]).toBe('127.0.0.1');
    expect(handle.addresses.every((a) => a === '127.0.0.1' || a === '::1')).toBe(true);
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}/#token=${handle.token}`);
    expect(handle.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await http('/')).status).toBe(200);
    if (handle.addresses.includes('::1')) {
      expect((await http('/', { host: '::1', headers: { Host: `[::1]:${handle.port}` } })).status).toBe(200);
    }
  });

  it('is not reachable on a LAN address of this machine', async () => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (!lan) return; // No non-loopback interface on this machine: nothing to reach.
    const code = await new Promise<string>((resolve) => {
      const s = netConnect(handle.port, lan.address);
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(code).toBe('ECONNREFUSED');
  });

  it('generates a different token for each launch', async () => {
    const other = await startServe({ service, staticDir, port: 0 });
    expect(other.ok && other.value.token !== handle.token).toBe(true);
    if (other.ok) await other.value.close();
  });

  it('says who holds a taken port, and picks another only when asked', async () => {
    const blocker: NetServer = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const svc = createRecordingService([fakeListener(taken, 4242, 'vite')]);
    try {
      const refused = await startServe({ service: svc, staticDir, port: taken });
      expect(refused.ok).toBe(false);
      if (!refused.ok)
        expect(refused.error.message).toContain(`Port ${taken} is already in use by vite (pid 4242`);
      const moved = await startServe({ service: svc, staticDir, port: taken, allowPortFallback: true });
      expect(moved.ok).toBe(true);
      if (moved.ok) {
        expect(moved.value.port).not.toBe(taken);
        expect(moved.value.fallback?.heldBy).toContain('vite');
        await moved.value.close();
      }
    } finally {
      blocker.close();
    }
  });

  it('frees its port on close', async () => {
    const port = handle.port;
    await handle.close();
    const probe = createNetServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
    probe.close();
  });
});

describe('static files', () => {
  it('serves the renderer with a strict CSP, nosniff, no-referrer, no-store and no CORS headers', async () => {
    const reply = await http('/');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>Harbormaster</title>');
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${handle.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(Object.keys(reply.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('sends scripts and styles with their content types', async () => {
    expect((await http('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await http('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it.each([
    '/../outside.txt',
    '/%2e%2e/outside.txt',
    '/assets/..%2f..%2foutside.txt',
    '/escape.txt',
    '/.secret',
    '/assets/%00app.js',
    '/%E0%A4%A',
    '/assets\\..\\..\\outside.txt',
    '/nope.js',
  ])('never serves anything outside the bundle: %s', async (pathname) => {
    const reply = await http(pathname);
    expect([400, 404]).toContain(reply.status);
    expect(reply.body).not.toContain('SECRET-OUTSIDE');
    expect(reply.body).not.toContain('dotfile');
    expect((await http('/')).status).toBe(200);
  });

  it('refuses other methods on static paths', async () => {
    const reply = await http('/', { method: 'POST', headers: { Origin: origin() } });
    expect(reply.status).toBe(405);
    expect((await http('/', { method: 'DELETE', headers: { Origin: 'https://evil.example' } })).status).toBe(
      403,
    );
  });
});

describe('Host allowlist (DNS rebinding)', () => {
  it('accepts exactly 127.0.0.1, [::1] and localhost on its port', async () => {
    for (const host of [
      `127.0.0.1:${handle.port}`,
      `localhost:${handle.port}`,
      `LOCALHOST:${handle.port}`,
      `[::1]:${handle.port}`,
    ]) {
      expect((await http('/', { headers: { Host: host } })).status).toBe(200);
    }
  });

  it.each([
    'evil.example:PORT',
    '127.0.0.1',
    'localhost',
    '127.0.0.1:1',
    'localhost.:PORT',
    '127.1:PORT',
    '0.0.0.0:PORT',
    'localhost:PORT.evil.example',
    '127.0.0.1:PORT@evil.example',
  ])('rejects Host %s on pages and the API', async (template) => {
    const host = template.replace('PORT', String(handle.port));
    const page = await http('/', { headers: { Host: host } });
    expect(page.status).toBe(421);
    expect(page.body).not.toContain('Harbormaster</title>');
    const api = await http('/api/call', {
      method: 'POST',
      headers: {
        Host: host,
        Origin: origin(),
        Authorization: `Bearer ${handle.token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ method: 'getSnapshot' }),
    });
    expect(api.status).toBe(421);
    expect(service.calls).toEqual([]);
  });

  it('answers a request with no Host or two Host headers with 400 and keeps serving', async () => {
    expect(await raw('GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${handle.port}\r\nHost: evil.example\r\n\r\n`),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect((await http('/')).status).toBe(200);
  });

  it('survives garbage and oversized headers', async () => {
    expect(await raw('\u0000\u0001garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${handle.port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    ).toMatch(/^HTTP\/1\.1 4/);
    expect(
      await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${handle.port}\r\nOrigin: \u00ff\u00fe\r\n\r\n`),
    ).toMatch(/^HTTP\/1\.1 (200|400)/);
    expect((await http('/')).status).toBe(200);
  });
});

describe('WebSocket', () => {
  it('accepts the right host, origin and token, selects harbormaster.v1 without echoing the token, and answers calls', async () => {
    const outcome = await openWs();
    const { ws, box } = connected(outcome);
    expect('protocol' in outcome && outcome.protocol).toBe(WS_SUBPROTOCOL);
    expect(await box.next((m) => m.type === 'hello')).toEqual({ type: 'hello', version: 1 });
    const reply = await call(ws, box, 1, 'getSnapshot');
    expect(reply.type === 'result' && (reply.result as { seq: number }).seq).toBe(1);
    ws.close();
  });

  it.each([
    ['a wrong Host (DNS rebinding)', { headers: { Host: 'evil.example:PORT' } }, 421],
    ['a foreign Origin', { origin: 'https://evil.example' }, 403],
    ['an IP-literal Origin on another port', { origin: 'http://127.0.0.1:1' }, 403],
    ['a null Origin', { origin: 'null' }, 403],
    ['no Origin', { origin: null }, 403],
    ['no token', { protocols: [WS_SUBPROTOCOL] }, 401],
    ['a wrong token', { protocols: [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${'A'.repeat(43)}`] }, 401],
    [
      'two tokens',
      { protocols: [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${'A'.repeat(43)}`, `${WS_TOKEN_PREFIX}TOKEN`] },
      401,
    ],
    ['no harbormaster.v1', { protocols: [`${WS_TOKEN_PREFIX}TOKEN`] }, 400],
    ['a token in the query string', { protocols: [WS_SUBPROTOCOL], path: '/ws?token=TOKEN' }, 404],
    ['another path', { path: '/other' }, 404],
  ] as const)('rejects an upgrade with %s', async (_name, spec, status) => {
    const fill = (s: string): string => s.replace('PORT', String(handle.port)).replace('TOKEN', handle.token);
    const options: Parameters<typeof openWs>[0] = {
      ...('headers' in spec ? { headers: { Host: fill(spec.headers.Host) } } : {}),
      ...('origin' in spec ? { origin: spec.origin } : {}),
      ...('protocols' in spec ? { protocols: spec.protocols.map(fill) } : {}),
      ...('path' in spec ? { path: fill(spec.path) } : {}),
    };
    const outcome = await openWs(options);
    expect(outcome).toEqual({ status });
    expect(handle.clientCount()).toBe(0);
    expect(service.calls).toEqual([]);
  });

  it('answers malformed messages with errors and keeps the connection and server working', async () => {
    const { ws, box } = connected(await openWs());
    const bad = [
      'not json',
      '[1,2]',
      '{"type":"call","id":1,"method":"__proto__"}',
      '{"type":"call","id":2,"method":"constructor"}',
      '{"type":"call","id":3,"method":"getSnapshot","extra":1}',
      '{"type":"call","id":-1,"method":"getSnapshot"}',
      '{"type":"nope","id":4}',
      '{"type":"call","id":5,"method":"getSnapshot","params":{"x":1}}',
    ];
    for (const text of bad) ws.send(text);
    await waitUntil(() => box.all.filter((m) => m.type === 'error').length >= bad.length);
    const errors = box.all.filter((m) => m.type === 'error');
    expect(errors).toHaveLength(bad.length);
    expect(errors.every((m) => m.type === 'error' && m.error.code === 'INVALID_REQUEST')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(service.calls).toEqual([]);
    const reply = await call(ws, box, 9, 'getSettings');
    expect(reply.type).toBe('result');
    ws.close();
  });

  it('validates every call with the contract schemas before the core sees it', async () => {
    const { ws, box } = connected(await openWs());
    const lookup = await call(ws, box, 1, 'lookup', { port: 619009 });
    expect(lookup).toMatchObject({ type: 'result', result: { ok: false, error: { code: 'INVALID_PORT' } } });
    expect(lookup.type === 'result' && JSON.stringify(lookup.result)).toContain('1–65535');
    const kill = await call(ws, box, 2, 'kill', {
      listenerId: 'x',
      pid: '123; rm -rf ~',
      startToken: 't',
      mode: 'graceful',
    });
    expect(kill).toMatchObject({ type: 'result', result: { ok: false, error: { code: 'INVALID_PID' } } });
    const polluted = await call(ws, box, 3, 'lookup', JSON.parse('{"port":3000,"__proto__":{"polluted":1}}'));
    expect(polluted).toMatchObject({ type: 'result', result: { ok: false } });
    const arrayPort = await call(ws, box, 4, 'lookup', { port: ['8080'] });
    expect(arrayPort).toMatchObject({
      type: 'result',
      result: { ok: false, error: { code: 'INVALID_PORT' } },
    });
    expect(service.calls).toEqual([]);
    ws.close();
  });

  it('closes a connection that sends a message over the size cap, and stays up', async () => {
    const { ws } = connected(await openWs());
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'getSnapshot', params: 'x'.repeat(20_000) }));
    expect(await closed).toBe(1009);
    expect((await http('/')).status).toBe(200);
    expect(service.calls).toEqual([]);
  });

  it('refuses to kill the serve process itself', async () => {
    service.publish([fakeListener(handle.port, process.pid, 'harbormaster')]);
    const { ws, box } = connected(await openWs());
    const reply = await call(ws, box, 1, 'kill', {
      listenerId: `tcp4-127.0.0.1-${handle.port}`,
      pid: process.pid,
      startToken: `start-${process.pid}`,
      mode: 'force',
    });
    expect(reply).toMatchObject({ type: 'result', result: { ok: false, error: { code: 'PROTECTED' } } });
    expect(service.calls.filter((c) => c.method === 'kill')).toEqual([]);
    ws.close();
  });

  it('pushes each new snapshot to every connected client', async () => {
    const { ws: a, box: boxA } = connected(await openWs());
    const { ws: b, box: boxB } = connected(await openWs());
    await Promise.all([boxA.next((m) => m.type === 'hello'), boxB.next((m) => m.type === 'hello')]);
    const pushed = service.publish([fakeListener(3000, 1234)]);
    // The first push on a connection is a full snapshot.
    const isPush = (m: WsServerMessage): boolean =>
      m.type === 'event' && m.event === 'snapshot' && m.data.seq === pushed.seq;
    const [ma, mb] = await Promise.all([boxA.next(isPush), boxB.next(isPush)]);
    expect(ma.type === 'event' && ma.event === 'snapshot' && ma.data.listeners[0]?.port).toBe(3000);
    expect(mb.type === 'event' && mb.event === 'snapshot' && mb.data.listeners[0]?.port).toBe(3000);
    a.close();
    b.close();
  });

  it('after pushes with churn, a client rebuilding the deltas holds exactly the core snapshot', async () => {
    /** A raw client that applies pushes the way the browser's does (renderer/api/ws-client.ts). */
    const rebuilder = async () => {
      const { ws, box } = connected(await openWs());
      const state = { current: null as Snapshot | null, full: 0, deltas: 0, failed: 0 };
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as WsServerMessage;
        if (m.type !== 'event') return;
        if (m.event === 'snapshot') {
          state.current = m.data;
          state.full += 1;
          return;
        }
        const next = state.current ? applySnapshotDelta(state.current, m.data) : null;
        if (next === null) state.failed += 1;
        state.current = next;
        state.deltas += 1;
      });
      await box.next((m) => m.type === 'hello');
      return { ws, box, state };
    };
    const seen = async (box: Inbox, seq: number) =>
      box.next(
        (m) => m.type === 'event' && (m.event === 'snapshot' ? m.data.seq : m.data.snapshot.seq) === seq,
      );
    const a = await rebuilder();
    let port = 20_000;
    let listeners = Array.from({ length: 200 }, () => fakeListener(port++, 4000 + (port % 50)));
    let late: Awaited<ReturnType<typeof rebuilder>> | null = null;
    for (let round = 1; round <= 12; round += 1) {
      if (round > 1) {
        // 10 % replaced, the new ones at scattered places, and 5 % changed (a new object, same id).
        const kept = listeners.filter((_, i) => (i * 7 + round) % 10 !== 0);
        for (let k = kept.length; k < listeners.length; k += 1) {
          kept.splice((k * 37 + round) % kept.length, 0, fakeListener(port++, 4000));
        }
        listeners = kept.map((l, i) =>
          i % 20 === round ? { ...l, url: `http://127.0.0.1:${l.port}/r${round}` } : l,
        );
      }
      // Round 6: two unchanged listeners swap places, which a delta cannot say (a full push instead).
      if (round === 6) {
        const [x, y, ...rest] = listeners;
        listeners = [y as Listener, x as Listener, ...rest];
      }
      if (round === 4) late = await rebuilder();
      const pushed = service.publish(listeners);
      await seen(a.box, pushed.seq);
      expect(a.state.current).toEqual(pushed);
      if (late) {
        await seen(late.box, pushed.seq);
        expect(late.state.current).toEqual(pushed);
      }
    }
    // One full push on connect, one for the swap; every other push a delta that applied.
    expect(a.state).toMatchObject({ full: 2, deltas: 10, failed: 0 });
    expect(late?.state).toMatchObject({ full: 2, deltas: 7, failed: 0 });
    a.ws.close();
    late?.ws.close();
  });

  it('sends a delta with 10 % churn far smaller than the full push', async () => {
    const { ws, box } = connected(await openWs());
    const sizes = new Map<number, number>();
    ws.on('message', (data) => {
      const text = String(data);
      const seq = /"seq":(\d+)/.exec(text)?.[1];
      if (text.startsWith('{"type":"event"') && seq) sizes.set(Number(seq), Buffer.byteLength(text));
    });
    await box.next((m) => m.type === 'hello');
    let port = 20_000;
    const listeners = Array.from({ length: 1000 }, () => fakeListener(port++, 4000 + (port % 97)));
    const first = service.publish(listeners);
    const churned = [
      ...listeners.slice(100),
      ...Array.from({ length: 100 }, () => fakeListener(port++, 4001)),
    ];
    const second = service.publish(churned);
    await waitUntil(() => sizes.has(second.seq));
    const full = sizes.get(first.seq) ?? 0;
    const delta = sizes.get(second.seq) ?? Infinity;
    expect(full).toBeGreaterThan(200_000);
    // 100 listeners sent plus 100 removed ids: about an eighth of the full push.
    expect(delta).toBeLessThan(full * 0.2);
    ws.close();
  });

  it('answers a resync with the latest push in full, and deltas continue from it', async () => {
    const { ws, box } = connected(await openWs());
    await box.next((m) => m.type === 'hello');
    const s1 = service.publish([fakeListener(3000, 1), fakeListener(3001, 1)]);
    await box.next((m) => m.type === 'event' && m.event === 'snapshot' && m.data.seq === s1.seq);
    const s2 = service.publish([fakeListener(3000, 1), fakeListener(3002, 1)]);
    await box.next(
      (m) => m.type === 'event' && m.event === 'snapshot-delta' && m.data.snapshot.seq === s2.seq,
    );
    ws.send(JSON.stringify({ type: 'resync' }));
    const full = await box.next((m) => m.type === 'event' && m.event === 'snapshot' && m.data.seq === s2.seq);
    expect(full.type === 'event' && full.event === 'snapshot' && full.data).toEqual(s2);
    const s3 = service.publish([fakeListener(3002, 1)]);
    const d = await box.next(
      (m) => m.type === 'event' && m.event === 'snapshot-delta' && m.data.snapshot.seq === s3.seq,
    );
    expect(d.type === 'event' && d.event === 'snapshot-delta' && d.data.baseSeq).toBe(s2.seq);
    // The resync message is decoded as strictly as a call: nothing but its type.
    ws.send(JSON.stringify({ type: 'resync', seq: 1 }));
    const e = await box.next((m) => m.type === 'error');
    expect(e.type === 'error' && e.error.code).toBe('INVALID_REQUEST');
    ws.close();
  });

  it('polls actively only while a client is connected', async () => {
    expect(service.interest.at(-1)).toBe('idle');
    const { ws: a } = connected(await openWs());
    await waitUntil(() => service.interest.at(-1) === 'active');
    expect(service.interest.at(-1)).toBe('active');
    const { ws: b } = connected(await openWs());
    a.close();
    await waitUntil(() => handle.clientCount() === 1);
    expect(service.interest.at(-1)).toBe('active');
    b.close();
    await waitUntil(() => handle.clientCount() === 0);
    expect(service.interest.at(-1)).toBe('idle');
  });

  it('closes client sockets when the server closes', async () => {
    const { ws } = connected(await openWs());
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await handle.close();
    expect(await closed).toBe(1001);
  });
});

describe('JSON HTTP API', () => {
  const post = (headers: Record<string, string>, body: string): Promise<HttpReply> =>
    http('/api/call', { method: 'POST', headers, body });
  const good = (): Record<string, string> => ({
    Origin: origin(),
    Authorization: `Bearer ${handle.token}`,
    'Content-Type': 'application/json',
  });

  it('answers an authorized call with the core result as JSON, without CORS headers', async () => {
    const reply = await post(good(), JSON.stringify({ method: 'lookup', params: { port: 3000 } }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(reply.body)).toMatchObject({ result: { ok: true, value: { port: 3000, free: true } } });
    expect(Object.keys(reply.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it.each([
    ['no token', { Authorization: '' }, 401],
    ['a wrong token', { Authorization: `Bearer ${'B'.repeat(43)}` }, 401],
    ['a Basic header', { Authorization: 'Basic dXNlcjpwYXNz' }, 401],
    ['a foreign Origin', { Origin: 'https://evil.example' }, 403],
    ['a null Origin', { Origin: 'null' }, 403],
    ['no Origin', { Origin: '' }, 403],
    ['a form content type', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415],
    ['a text/plain body', { 'Content-Type': 'text/plain' }, 415],
  ] as const)('rejects a call with %s', async (_name, override, status) => {
    const headers: Record<string, string> = { ...good() };
    for (const [k, v] of Object.entries(override)) {
      if (v === '') delete headers[k];
      else headers[k] = v;
    }
    const reply = await post(headers, JSON.stringify({ method: 'getSnapshot' }));
    expect(reply.status).toBe(status);
    expect(service.calls).toEqual([]);
  });

  it('rejects a token in the query string', async () => {
    const headers = { ...good() } as Record<string, string>;
    delete headers['Authorization'];
    const reply = await http(`/api/call?token=${handle.token}`, {
      method: 'POST',
      headers,
      body: '{"method":"getSnapshot"}',
    });
    expect(reply.status).toBe(401);
  });

  it('rejects GET, unknown endpoints, bad JSON, unknown keys and oversized bodies with 4xx', async () => {
    expect((await http('/api/call')).status).toBe(405);
    expect(
      (
        await post(good(), '{"method":"getSnapshot"}').then(() =>
          http('/api/other', { method: 'POST', headers: good(), body: '{}' }),
        )
      ).status,
    ).toBe(404);
    expect((await post(good(), 'not json')).status).toBe(400);
    expect((await post(good(), '{"method":"getSnapshot","x":1}')).status).toBe(400);
    expect((await post(good(), '{"method":"__proto__"}')).status).toBe(400);
    expect(
      (await post(good(), JSON.stringify({ method: 'lookup', params: { port: 'x'.repeat(20_000) } }))).status,
    ).toBe(413);
    expect((await http('/')).status).toBe(200);
  });
});

describe('nothing is killed through a rejected path', () => {
  it('a live process survives kills sent with a wrong Host, foreign Origin, no token or a wrong token, then dies from an authorized one', async () => {
    const victim = spawnVictim();
    const pid = victim.pid ?? 0;
    const listener = fakeListener(45678, pid, 'victim');
    service.publish([listener]);
    const killParams = { listenerId: listener.id, pid, startToken: `start-${pid}`, mode: 'graceful' };
    const body = JSON.stringify({ method: 'kill', params: killParams });
    const base = {
      Origin: origin(),
      Authorization: `Bearer ${handle.token}`,
      'Content-Type': 'application/json',
    };
    const attempts: Promise<unknown>[] = [
      http('/api/call', { method: 'POST', headers: { ...base, Host: `evil.example:${handle.port}` }, body }),
      http('/api/call', { method: 'POST', headers: { ...base, Origin: 'https://evil.example' }, body }),
      http('/api/call', {
        method: 'POST',
        headers: { Origin: origin(), 'Content-Type': 'application/json' },
        body,
      }),
      http('/api/call', {
        method: 'POST',
        headers: { ...base, Authorization: `Bearer ${'C'.repeat(43)}` },
        body,
      }),
      http('/api/call', { method: 'POST', headers: { ...base, 'Content-Type': 'text/plain' }, body }),
    ];
    for (const spec of [
      { headers: { Host: `evil.example:${handle.port}` } },
      { origin: 'https://evil.example' },
      { protocols: [WS_SUBPROTOCOL] },
      { protocols: [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${'D'.repeat(43)}`] },
    ]) {
      attempts.push(
        openWs(spec).then((outcome) => {
          if ('ws' in outcome)
            outcome.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'kill', params: killParams }));
          return outcome;
        }),
      );
    }
    const outcomes = await Promise.all(attempts);
    expect(outcomes.every((o) => (o as { status: number }).status >= 400)).toBe(true);
    // Positive control instead of a fixed wait: an authorized call sent after every rejected one
    // has reached the service, so a stray kill from a rejected path would be recorded by now.
    const control = await http('/api/call', {
      method: 'POST',
      headers: base,
      body: JSON.stringify({ method: 'getVersion' }),
    });
    expect(control.status).toBe(200);
    expect(service.calls.map((c) => c.method)).toEqual(['getVersion']);
    expect(isAlive(pid)).toBe(true);

    const accepted = await http('/api/call', { method: 'POST', headers: base, body });
    expect(JSON.parse(accepted.body)).toMatchObject({ result: { ok: true, value: { outcome: 'freed' } } });
    expect(await waitUntil(() => !isAlive(pid))).toBe(true);
  });
});
