import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WS_PATH } from '../contract/ws-protocol.js';
import { err, hmError, ok, type Result } from '../model/errors.js';
import { MAX_MESSAGE_BYTES, type ServeContext } from './context.js';
import { decodeHttpCall, dispatchCall } from './dispatch.js';
import {
  checkBearer,
  checkHost,
  checkOrigin,
  isRejection,
  securityHeaders,
  type Rejection,
} from './guards.js';
import { lookupStatic } from './static-files.js';

/**
 * The HTTP routes of `harbormaster serve`: the built renderer (GET/HEAD, nothing outside it) and
 * `POST /api/call`.
 *
 * `POST /api/call` has no caller in the product (the window uses the WebSocket). It is kept, on
 * purpose, as the scripting entry (`curl -H 'Authorization: Bearer <token>' -d '{"method":…}'`):
 * it dispatches through the same contract table and schemas as every transport, behind the same
 * Host/Origin allowlists, a bearer token, JSON-only bodies, a size cap and the shared kill rate
 * limit, and the security tests (server.test.ts, e2e/security.spec.ts) hold it to that.
 */

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

async function handleApi(
  ctx: ServeContext,
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
  const origin = checkOrigin(req.rawHeaders, ctx.port());
  if (isRejection(origin)) return reject(res, host, origin);
  const bearer = checkBearer(req.rawHeaders, ctx.token);
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
  if (!ctx.killAllowed(call.value)) {
    return sendJson(res, host, 429, {
      error: hmError('INVALID_REQUEST', 'Too many kill requests; wait a minute.'),
    });
  }
  const outcome = await dispatchCall(ctx.service, call.value, { selfPid: ctx.selfPid });
  if (outcome.kind === 'error') return sendJson(res, host, 400, { error: outcome.error });
  return sendJson(res, host, 200, { result: outcome.result });
}

async function handleRequest(ctx: ServeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const host = checkHost(req.rawHeaders, ctx.port());
  if (isRejection(host)) {
    ctx.log(`rejected ${req.method ?? '?'} request: ${host.reason}`);
    return reject(res, null, host);
  }
  const target = req.url ?? '';
  if (!target.startsWith('/')) return reject(res, host, { status: 400, reason: 'Bad request target.' });
  const path = target.split('?', 1)[0] ?? '/';
  if (path === '/api' || path.startsWith('/api/')) return handleApi(ctx, req, res, host, path);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const origin = checkOrigin(req.rawHeaders, ctx.port());
    if (isRejection(origin)) return reject(res, host, origin);
    res.setHeader('Allow', 'GET, HEAD');
    return reject(res, host, { status: 405, reason: 'Only GET and HEAD are served here.' });
  }
  if (path === WS_PATH)
    return reject(res, host, { status: 400, reason: 'This path needs a WebSocket upgrade.' });
  const found = await lookupStatic(ctx.staticRoot, path);
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

/**
 * One HTTP server (one per bound address) with its request handler, the WebSocket upgrade hook
 * and the timeouts; `upgrade` is ws-session.ts's handler.
 */
export function createHttpServer(
  ctx: ServeContext,
  handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Server {
  // Slow-loris guards and a header cap; malformed requests get a 400 from clientError below.
  const server = createServer({ maxHeaderSize: 16 * 1024, requireHostHeader: true }, (req, res) => {
    handleRequest(ctx, req, res).catch(() => {
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
}
