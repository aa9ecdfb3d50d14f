import { request as httpRequest, createServer, type Server } from 'node:http';
import type { Listener } from '../app/model/listener.js';
import { expect, test } from './support/fixtures.js';
import {
  eventually,
  isAlive,
  startHttpServer,
  type PortHolder,
  type ServeProcess,
} from './support/processes.js';
import { connectWs, snapshotOver } from './support/ws-call.js';

// Security of `harbormaster serve` (docs/SECURITY.md#browser-mode): a wrong
// Host (DNS rebinding), a foreign Origin, no token or a wrong token are refused on HTTP and on the
// WebSocket, and a kill sent through any refused path leaves a live process alone. The last test
// of each group sends the same kill through the authorized path and sees the process die, so the
// "survives" assertions could fail.

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

function http(
  serve: ServeProcess,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: serve.port,
        path,
        method: init.method ?? 'GET',
        agent: false,
        headers: { Host: `127.0.0.1:${serve.port}`, ...init.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A live test server the attacks aim at, and the exact kill request the UI would send for it. */
async function victim(serve: ServeProcess): Promise<{ holder: PortHolder; kill: Record<string, unknown> }> {
  const holder = await startHttpServer();
  const ws = await connectWs(serve);
  if (ws.kind !== 'open') throw new Error(`authorized connection refused (${ws.status})`);
  let listener: Listener | undefined;
  await eventually(async () => {
    const snapshot = await snapshotOver(ws.ws);
    listener = snapshot.listeners.find((l) => l.port === holder.port && l.protocol === 'tcp');
    return listener !== undefined;
  });
  ws.ws.close();
  if (!listener || listener.owner.kind !== 'process')
    throw new Error('the victim never appeared in a snapshot');
  return {
    holder,
    kill: {
      listenerId: listener.id,
      pid: listener.owner.pid,
      startToken: listener.owner.startToken,
      mode: 'force',
    },
  };
}

function apiKill(
  serve: ServeProcess,
  kill: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<Reply> {
  return http(serve, '/api/call', {
    method: 'POST',
    headers: {
      Origin: serve.origin,
      Authorization: `Bearer ${serve.token}`,
      'Content-Type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ method: 'kill', params: kill }),
  });
}

/** Tries to open the WebSocket the given way; if it opens anyway, sends the kill. Returns the HTTP status. */
async function wsKill(
  serve: ServeProcess,
  kill: Record<string, unknown>,
  options: Parameters<typeof connectWs>[1],
): Promise<number> {
  const attempt = await connectWs(serve, options);
  if (attempt.kind === 'open') {
    // Wait for the server's answer to the kill (or the socket closing), not a fixed time.
    const ws = attempt.ws;
    await new Promise<void>((resolve) => {
      ws.on('message', (data: unknown) => {
        if ((JSON.parse(String(data)) as { id?: number }).id === 1) resolve();
      });
      ws.once('close', () => resolve());
      ws.send(JSON.stringify({ type: 'call', id: 1, method: 'kill', params: kill }));
    });
    ws.close();
    return 101;
  }
  return attempt.status;
}

/**
 * The positive control a "nothing was killed" check waits for instead of a fixed sleep: the same
 * kind of kill, for another live server, through the authorized path. Its reply comes once a whole
 * kill pipeline has run in this serve, and its process is gone; only then is the victim's survival
 * worth asserting.
 */
async function controlKill(serve: ServeProcess): Promise<void> {
  const { holder, kill } = await victim(serve);
  const reply = await apiKill(serve, kill, {});
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({ result: { ok: true } });
  expect(await eventually(() => !isAlive(holder.pid), 5000)).toBe(true);
}

const WRONG_TOKEN = 'A'.repeat(43);

test.describe('refused on HTTP and on the WebSocket, and nothing is killed', () => {
  test('a wrong Host (DNS rebinding)', async ({ serve }) => {
    const { holder, kill } = await victim(serve);
    const evilHost = `evil.example:${serve.port}`;
    const page = await http(serve, '/', { headers: { Host: evilHost } });
    expect(page.status).toBe(421);
    expect(page.body).not.toContain('<div id="root">');
    expect((await apiKill(serve, kill, { Host: evilHost })).status).toBe(421);
    expect(await wsKill(serve, kill, { host: evilHost })).toBe(421);
    expect(await wsKill(serve, kill, { host: evilHost, origin: `http://${evilHost}` })).toBe(421);
    await controlKill(serve);
    expect(isAlive(holder.pid)).toBe(true);
  });

  test('a foreign Origin', async ({ serve }) => {
    const { holder, kill } = await victim(serve);
    for (const origin of [
      'https://evil.example',
      'null',
      'http://127.0.0.1:1',
      `http://127.0.0.1:${serve.port}.evil.example`,
    ]) {
      expect((await apiKill(serve, kill, { Origin: origin })).status).toBe(403);
      expect(await wsKill(serve, kill, { origin })).toBe(403);
    }
    expect(await wsKill(serve, kill, { origin: null })).toBe(403);
    await controlKill(serve);
    expect(isAlive(holder.pid)).toBe(true);
  });

  test('no token', async ({ serve }) => {
    const { holder, kill } = await victim(serve);
    const reply = await http(serve, '/api/call', {
      method: 'POST',
      headers: { Origin: serve.origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'kill', params: kill }),
    });
    expect(reply.status).toBe(401);
    // Not in the query string either: tokens there end up in logs and history.
    const query = await http(serve, `/api/call?token=${serve.token}`, {
      method: 'POST',
      headers: { Origin: serve.origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'kill', params: kill }),
    });
    expect(query.status).toBe(401);
    expect(await wsKill(serve, kill, { token: null })).toBe(401);
    await controlKill(serve);
    expect(isAlive(holder.pid)).toBe(true);
  });

  test('a wrong token', async ({ serve }) => {
    const { holder, kill } = await victim(serve);
    expect((await apiKill(serve, kill, { Authorization: `Bearer ${WRONG_TOKEN}` })).status).toBe(401);
    expect(await wsKill(serve, kill, { token: WRONG_TOKEN })).toBe(401);
    // A cross-site "simple" request (text/plain, no preflight) is refused even with the right token.
    expect((await apiKill(serve, kill, { 'Content-Type': 'text/plain' })).status).toBe(415);
    await controlKill(serve);
    expect(isAlive(holder.pid)).toBe(true);
  });

  test('control: the same kill through the authorized path does kill', async ({ serve }) => {
    const { holder, kill } = await victim(serve);
    const reply = await apiKill(serve, kill, {});
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ result: { ok: true } });
    expect(await eventually(() => !isAlive(holder.pid), 5000)).toBe(true);
  });
});

test('pages carry a strict CSP and no CORS grant', async ({ serve }) => {
  const page = await http(serve, '/');
  expect(page.status).toBe(200);
  expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect(page.headers['referrer-policy']).toBe('no-referrer');
  expect(Object.keys(page.headers).some((h) => h.startsWith('access-control-'))).toBe(false);
});

test('a hostile page on another local port cannot kill through the browser', async ({ serve, page }) => {
  const { holder, kill } = await victim(serve);
  // The "evil" site: another web page on this machine, as any site the user visits could be.
  const evil: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>evil</title><script>
      const target = 'http://127.0.0.1:${serve.port}';
      const body = JSON.stringify({ method: 'kill', params: ${JSON.stringify(kill)} });
      const results = {};
      const ws = (name, protocols) => new Promise((resolve) => {
        const s = new WebSocket('ws://127.0.0.1:${serve.port}/ws', protocols);
        s.onopen = () => { s.send(JSON.stringify({ type: 'call', id: 1, method: 'kill', params: ${JSON.stringify(kill)} })); resolve(name + ': opened'); };
        s.onerror = () => resolve(name + ': refused');
      });
      window.attack = Promise.all([
        fetch(target + '/api/call', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body })
          .then((r) => 'simple post: sent (' + r.type + ')', () => 'simple post: failed'),
        fetch(target + '/api/call', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ${WRONG_TOKEN}' }, body })
          .then((r) => 'json post: status ' + r.status, () => 'json post: failed'),
        fetch(target + '/').then((r) => r.text()).then(() => 'read page: read', () => 'read page: failed'),
        ws('ws no token', ['harbormaster.v1']),
        ws('ws guessed token', ['harbormaster.v1', 'harbormaster.token.${WRONG_TOKEN}']),
      ]);
    </script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  const evilPort = (evil.address() as { port: number }).port;
  try {
    await page.goto(`http://127.0.0.1:${evilPort}/`);
    const results = await page.evaluate(
      () => (globalThis as unknown as { attack: Promise<string[]> }).attack,
    );
    expect(results).toEqual([
      // The no-cors POST reaches the server, which refuses text/plain (415) before any call; the
      // browser then withholds even the opaque response (Cross-Origin-Resource-Policy: same-origin).
      'simple post: failed',
      // The JSON POST needs a CORS preflight the server never grants.
      'json post: failed',
      'read page: failed',
      'ws no token: refused',
      'ws guessed token: refused',
    ]);
    await controlKill(serve);
    expect(isAlive(holder.pid)).toBe(true);
  } finally {
    evil.close();
  }
});

test('a DNS-rebound name in a real browser gets no page and no socket, even with the token', async ({
  serve,
  playwright,
  launchOptions,
}) => {
  const { holder, kill } = await victim(serve);
  // Simulates rebinding without DNS: evil.example resolves to 127.0.0.1 inside this browser only.
  const browser = await playwright.chromium.launch({
    ...launchOptions,
    args: [...(launchOptions.args ?? []), '--host-resolver-rules=MAP evil.example 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    const response = await page.goto(`http://evil.example:${serve.port}/#token=${serve.token}`);
    expect(response?.status()).toBe(421);
    await expect(page.locator('#root')).toHaveCount(0);
    const outcome = await page.evaluate(
      ({ port, token, params }) =>
        new Promise<string>((resolve) => {
          const s = new WebSocket(`ws://evil.example:${port}/ws`, [
            'harbormaster.v1',
            `harbormaster.token.${token}`,
          ]);
          s.onopen = () => {
            s.send(JSON.stringify({ type: 'call', id: 1, method: 'kill', params }));
            resolve('opened');
          };
          s.onerror = () => resolve('refused');
        }),
      { port: serve.port, token: serve.token, params: kill },
    );
    expect(outcome).toBe('refused');
    await controlKill(serve);
    expect(isAlive(holder.pid)).toBe(true);
  } finally {
    await browser.close();
  }
});
