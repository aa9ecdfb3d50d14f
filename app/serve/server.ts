import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { realpath } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { WS_PATH, WS_SUBPROTOCOL, type WsServerMessage } from '../contract/ws-protocol.js';
import { cleanText } from '../model/clean-text.js';
import { err, hmError, ok, type Result } from '../model/errors.js';
import type { Listener } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import type { HarbormasterService } from '../service/types.js';
import { decodeHttpCall, decodeWsCall, dispatchCall, type DecodedCall } from './dispatch.js';
import {
  checkBearer,
  checkHost,
  checkOrigin,
  checkSubprotocols,
  generateToken,
  isRejection,
  securityHeaders,
  type Rejection,
} from './guards.js';
import { lookupStatic } from './static-files.js';
import { DEFAULT_SERVE_PORT } from './default-port.js';

export { DEFAULT_SERVE_PORT };
/** Largest WebSocket message or HTTP body accepted (research/security.md §4.2 #10). */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Most browser tabs connected at once. */
export const DEFAULT_MAX_CLIENTS = 8;
/** Calls one connection may have in flight; more are answered with an error. */
const MAX_IN_FLIGHT = 16;
/** Kill calls allowed per minute across all clients (a replay or a runaway script is slowed). */
const MAX_KILLS_PER_MINUTE = 30;
/** A client that does not read its pushes is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Options for {@link startServe}. */
export interface ServeOptions {
  /** The core the browser talks to (the caller owns it and disposes it). */
  readonly service: HarbormasterService;
  /** The built renderer (`dist/renderer`); nothing outside it is ever served. */
  readonly staticDir: string;
  /** Port to bind; 0 lets the OS pick a free one. Default {@link DEFAULT_SERVE_PORT}. */
  readonly port?: number;
  /** Also bind `[::1]` on the same port when IPv6 loopback is available. Default true. */
  readonly ipv6?: boolean;
  /** The per-launch token; default 32 random bytes, base64url. */
  readonly token?: string;
  /** If the port is taken, bind any free port instead of failing (the CLI's `--any-port`). */
  readonly allowPortFallback?: boolean;
  readonly maxClients?: number;
  /** Receives one line per rejected request or notable event (the CLI prints them with --verbose). */
  readonly log?: (line: string) => void;
}

/** A running server. */
export interface ServeHandle {
  /** `http://127.0.0.1:<port>/#token=<token>`: the fragment never reaches the server or its logs. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The loopback addresses actually bound (`127.0.0.1`, and `::1` when available). */
  readonly addresses: readonly string[];
  /** Set when the requested port was taken and a free one was picked instead (allowPortFallback). */
  readonly fallback: { readonly requestedPort: number; readonly heldBy: string } | null;
  /** Connected WebSocket clients. */
  clientCount(): number;
  /** Closes every socket and stops listening; leaves the service to its owner. */
  close(): Promise<void>;
}

type ListenOutcome = { readonly ok: true } | { readonly ok: false; readonly code: string };

function listen(server: Server, port: number, host: string): Promise<ListenOutcome> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      resolve({ ok: false, code: error.code ?? 'UNKNOWN' });
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve({ ok: true });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // Loopback literals only, never 0.0.0.0, :: or 'localhost' (research/security.md §4.2 #2).
    server.listen({ port, host, exclusive: true });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Says who holds `port`, from the core's own lookup, in one short phrase. */
async function describeHolder(service: HarbormasterService, port: number): Promise<string> {
  try {
    const found = await service.lookup({ port });
    if (!found.ok) return 'another process';
    const holders = found.value.holders.filter((l: Listener) => l.protocol === 'tcp');
    const first = holders[0];
    if (!first) return 'another process (not visible to this user)';
    // The holder's name is untrusted (a process sets its own): cleaned before any terminal sees it.
    if (first.owner.kind === 'process') {
      return `${cleanText(first.owner.name, { max: 60 })} (pid ${first.owner.pid}, ${first.address}:${first.port})`;
    }
    return `a process we cannot see (${cleanText(first.owner.message, { max: 200 })})`;
  } catch {
    return 'another process';
  }
}

interface Bound {
  readonly servers: Server[];
  readonly port: number;
  readonly addresses: string[];
}

type BindOutcome =
  { readonly ok: true; readonly bound: Bound } | { readonly ok: false; readonly code: string };

/** Binds 127.0.0.1 and (when available) ::1 on one port; with port 0 retries if ::1 is taken. */
async function bindLoopback(make: () => Server, port: number, ipv6: boolean): Promise<BindOutcome> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const v4 = make();
    const r4 = await listen(v4, port, '127.0.0.1');
    if (!r4.ok) return { ok: false, code: r4.code };
    const actual = boundPort(v4);
    if (!ipv6) return { ok: true, bound: { servers: [v4], port: actual, addresses: ['127.0.0.1'] } };
    const v6 = make();
    const r6 = await listen(v6, actual, '::1');
    if (r6.ok)
      return { ok: true, bound: { servers: [v4, v6], port: actual, addresses: ['127.0.0.1', '::1'] } };
    if (r6.code !== 'EADDRINUSE') {
      // No IPv6 loopback here (EADDRNOTAVAIL/EAFNOSUPPORT): serve IPv4 only.
      return { ok: true, bound: { servers: [v4], port: actual, addresses: ['127.0.0.1'] } };
    }
    await closeServer(v4);
    if (port !== 0) return { ok: false, code: 'EADDRINUSE' };
  }
  return { ok: false, code: 'EADDRINUSE' };
}

function reject(res: ServerResponse, host: string | null, rejection: Rejection): void {
  sendJson(res, host, rejection.status, {
    error: hmError('INVALID_REQUEST', rejection.reason),
  });
}

function sendJson(res: ServerResponse, host: string | null, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...securityHeaders(host),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function rejectUpgrade(socket: Duplex, rejection: Rejection): void {
  const body = `${rejection.reason}\n`;
  const head = [
    `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? 'Rejected'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
  ].join('\r\n');
  if (socket.writable) socket.end(`${head}\r\n\r\n${body}`);
  socket.destroy();
}

function readBody(req: IncomingMessage, cap: number): Promise<Result<string>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > cap) {
        done = true;
        resolve(err('INVALID_REQUEST', `The body is larger than ${cap} bytes.`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(ok(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve(err('INVALID_REQUEST', 'The request body could not be read.'));
    });
  });
}

/**
 * Starts the browser-mode server: the built renderer over HTTP and `HarbormasterApi` over a
 * WebSocket at `/ws`, on loopback only, behind exact Host/Origin allowlists and a per-launch token.
 * Every call is validated with the contract schemas before it reaches the core; snapshots are
 * pushed to every connected client; the core polls actively only while a client is connected.
 * If the port is taken the error says who holds it (and, only with `allowPortFallback`, a free
 * port is used instead).
 */
export async function startServe(options: ServeOptions): Promise<Result<ServeHandle>> {
  const { service } = options;
  const log = options.log ?? ((): void => undefined);
  const token = options.token ?? generateToken();
  const requestedPort = options.port ?? DEFAULT_SERVE_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    return err('INVALID_PORT', `Port ${String(requestedPort)} is not valid: port must be 0–65535 (0 = any).`);
  }
  let staticRoot: string;
  try {
    staticRoot = await realpath(options.staticDir);
  } catch {
    return err(
      'INTERNAL',
      `The renderer bundle was not found at ${options.staticDir}. Run \`npm run build\`.`,
    );
  }
  const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  const selfPid = process.pid;
  // Filled in once bound; every check uses the port actually listened on.
  let port = 0;
  const clients = new Set<WebSocket>();
  const killTimes: number[] = [];

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    // Select the protocol; the token subprotocol is checked before the upgrade and never echoed.
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });

  function killAllowed(call: DecodedCall): boolean {
    if (call.method !== 'kill') return true;
    const now = Date.now();
    while (killTimes.length > 0 && (killTimes[0] ?? 0) < now - 60_000) killTimes.shift();
    if (killTimes.length >= MAX_KILLS_PER_MINUTE) return false;
    killTimes.push(now);
    return true;
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    host: string,
    path: string,
  ): Promise<void> {
    if (path !== '/api/call') return reject(res, host, { status: 404, reason: 'Unknown endpoint.' });
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return reject(res, host, { status: 405, reason: 'Use POST.' });
    }
    const origin = checkOrigin(req.rawHeaders, port);
    if (isRejection(origin)) return reject(res, host, origin);
    const bearer = checkBearer(req.rawHeaders, token);
    if (isRejection(bearer)) return reject(res, host, bearer);
    // JSON only: forms and text/plain (the cross-site "simple request" types) are refused.
    const type = (req.headers['content-type'] ?? '').toLowerCase().replace(/\s+/g, '');
    if (type !== 'application/json' && type !== 'application/json;charset=utf-8') {
      return reject(res, host, { status: 415, reason: 'The body must be application/json.' });
    }
    const declared = Number.parseInt(req.headers['content-length'] ?? '0', 10);
    if (Number.isFinite(declared) && declared > MAX_MESSAGE_BYTES) {
      return reject(res, host, {
        status: 413,
        reason: `The body is larger than ${MAX_MESSAGE_BYTES} bytes.`,
      });
    }
    const body = await readBody(req, MAX_MESSAGE_BYTES);
    if (!body.ok) return sendJson(res, host, 413, { error: body.error });
    const call = decodeHttpCall(body.value);
    if (!call.ok) return sendJson(res, host, 400, { error: call.error });
    if (!killAllowed(call.value)) {
      return sendJson(res, host, 429, {
        error: hmError('INVALID_REQUEST', 'Too many kill requests; wait a minute.'),
      });
    }
    const outcome = await dispatchCall(service, call.value, { selfPid });
    if (outcome.kind === 'error') return sendJson(res, host, 400, { error: outcome.error });
    return sendJson(res, host, 200, { result: outcome.result });
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = checkHost(req.rawHeaders, port);
    if (isRejection(host)) {
      log(`rejected ${req.method ?? '?'} request: ${host.reason}`);
      return reject(res, null, host);
    }
    const target = req.url ?? '';
    if (!target.startsWith('/')) return reject(res, host, { status: 400, reason: 'Bad request target.' });
    const path = target.split('?', 1)[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/')) return handleApi(req, res, host, path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = checkOrigin(req.rawHeaders, port);
      if (isRejection(origin)) return reject(res, host, origin);
      res.setHeader('Allow', 'GET, HEAD');
      return reject(res, host, { status: 405, reason: 'Only GET and HEAD are served here.' });
    }
    if (path === WS_PATH)
      return reject(res, host, { status: 400, reason: 'This path needs a WebSocket upgrade.' });
    const found = await lookupStatic(staticRoot, path);
    if (found.kind === 'bad-request') return reject(res, host, { status: 400, reason: 'Bad path.' });
    if (found.kind === 'not-found') return reject(res, host, { status: 404, reason: 'Not found.' });
    if (res.headersSent) return;
    res.writeHead(200, {
      ...securityHeaders(host),
      'Content-Type': found.contentType,
      'Content-Length': found.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : found.body);
  }

  function send(ws: WebSocket, message: WsServerMessage | string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('dropped a client that stopped reading');
      ws.terminate();
      return;
    }
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  function onConnection(ws: WebSocket): void {
    clients.add(ws);
    // The poller runs at full rate only while somebody looks (ARCHITECTURE.md watch/).
    if (clients.size === 1) service.setInterest('active');
    let inFlight = 0;
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, 30_000);
    heartbeat.unref();
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearInterval(heartbeat);
      clients.delete(ws);
      if (clients.size === 0) service.setInterest('idle');
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        send(ws, {
          type: 'error',
          id: null,
          error: hmError('INVALID_REQUEST', 'Binary messages are not accepted.'),
        });
        return;
      }
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      const call = decodeWsCall(text);
      if (!call.ok) {
        send(ws, { type: 'error', id: call.id, error: call.error });
        return;
      }
      const { id } = call.value;
      if (inFlight >= MAX_IN_FLIGHT) {
        send(ws, { type: 'error', id, error: hmError('INVALID_REQUEST', 'Too many calls in flight.') });
        return;
      }
      if (!killAllowed(call.value)) {
        send(ws, {
          type: 'result',
          id,
          result: err('INVALID_REQUEST', 'Too many kill requests; wait a minute.'),
        });
        return;
      }
      inFlight += 1;
      void dispatchCall(service, call.value, { selfPid }).then((outcome) => {
        inFlight -= 1;
        send(
          ws,
          outcome.kind === 'result'
            ? { type: 'result', id, result: outcome.result }
            : { type: 'error', id, error: outcome.error },
        );
      });
    });
    send(ws, { type: 'hello', version: 1 });
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const host = checkHost(req.rawHeaders, port);
    const path = req.url ?? '';
    const checks: (() => unknown)[] = [
      () => host,
      // Exactly /ws: no query string, so a token can never arrive (or be logged) in a URL.
      () => (path === WS_PATH ? true : { status: 404, reason: 'Unknown WebSocket path.' }),
      () => checkOrigin(req.rawHeaders, port),
      () => checkSubprotocols(req.rawHeaders, token),
      () => (clients.size < maxClients ? true : { status: 503, reason: 'Too many clients are connected.' }),
    ];
    for (const check of checks) {
      const outcome = check();
      if (isRejection(outcome)) {
        log(`rejected WebSocket upgrade: ${outcome.reason}`);
        rejectUpgrade(socket, outcome);
        return;
      }
    }
    wss.handleUpgrade(req, socket, head, onConnection);
  }

  const make = (): Server => {
    // Slow-loris guards and a header cap; malformed requests get a 400 from clientError below.
    const server = createServer({ maxHeaderSize: 16 * 1024, requireHostHeader: true }, (req, res) => {
      handleRequest(req, res).catch(() => {
        sendJson(res, null, 500, { error: hmError('INTERNAL', 'The request failed.') });
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    server.keepAliveTimeout = 5_000;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        handleUpgrade(req, socket, head);
      } catch {
        socket.destroy();
      }
    });
    // A header the parser cannot read is answered with 400, never a crash (GHSA-m28w-2pqf-7qgj).
    server.on('clientError', (_error: Error, socket: Duplex) => {
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    });
    return server;
  };

  const ipv6 = options.ipv6 ?? true;
  let bind = await bindLoopback(make, requestedPort, ipv6);
  let fallback: ServeHandle['fallback'] = null;
  if (!bind.ok && bind.code === 'EADDRINUSE') {
    const heldBy = await describeHolder(service, requestedPort);
    if (!options.allowPortFallback) {
      return err('INVALID_PORT', `Port ${requestedPort} is already in use by ${heldBy}.`, {
        hint: 'Choose another with --port N, or --port 0 for any free port.',
      });
    }
    log(`port ${requestedPort} is in use by ${heldBy}; using a free port instead`);
    fallback = { requestedPort, heldBy };
    bind = await bindLoopback(make, 0, ipv6);
  }
  if (!bind.ok) {
    const why = bind.code === 'EACCES' ? 'binding ports below 1024 needs admin rights' : bind.code;
    return err('INTERNAL', `Could not listen on 127.0.0.1:${requestedPort}: ${why}.`);
  }
  const { servers, addresses } = bind.bound;
  port = bind.bound.port;

  const unsubscribe = service.onSnapshot((snapshot: Snapshot) => {
    if (clients.size === 0) return;
    const message = JSON.stringify({
      type: 'event',
      event: 'snapshot',
      data: snapshot,
    } satisfies WsServerMessage);
    for (const ws of clients) send(ws, message);
  });
  service.setInterest('idle');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      unsubscribe();
      for (const ws of clients) ws.close(1001, 'server shutting down');
      const deadline = Date.now() + 1000;
      while (clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of clients) ws.terminate();
      clients.clear();
      await Promise.all(servers.map(closeServer));
      wss.close();
      service.setInterest('idle');
    })();
    return closing;
  };

  return ok({
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    addresses,
    fallback,
    clientCount: () => clients.size,
    close,
  });
}
