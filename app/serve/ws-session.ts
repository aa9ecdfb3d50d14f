import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { CONTRACT_VERSION } from '../contract/methods.js';
import { WS_PATH, WS_SUBPROTOCOL, type WsServerMessage } from '../contract/ws-protocol.js';
import { err, hmError } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import { MAX_MESSAGE_BYTES, type ServeContext } from './context.js';
import { decodeWsMessage, dispatchCall } from './dispatch.js';
import { createSnapshotSerializer } from './snapshot-json.js';
import { checkHost, checkOrigin, checkSubprotocols, isRejection, type Rejection } from './guards.js';

/**
 * The WebSocket half of `harbormaster serve`: the upgrade checks (Host, exact path, Origin, token
 * subprotocol, client cap), one session per tab (heartbeat, in-flight cap, the shared kill limit,
 * calls through the contract's dispatcher) and the snapshot pushes. Split out of server.ts.
 */

/** Calls one connection may have in flight; more are answered with an error. */
const MAX_IN_FLIGHT = 16;
/** A client that does not read its pushes is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

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

/** Sends one message; false when it was not sent (the socket is not open, or was just dropped). */
function send(ctx: ServeContext, ws: WebSocket, message: WsServerMessage | string | Buffer): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ctx.log('dropped a client that stopped reading');
    ws.terminate();
    return false;
  }
  // A snapshot arrives as UTF-8 bytes already: sent as a text frame, never re-encoded.
  if (Buffer.isBuffer(message)) ws.send(message, { binary: false });
  else ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  return true;
}

/** The connected tabs of one server. */
export interface WsSessions {
  /** The server's `upgrade` handler. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Pushes a snapshot to every connected tab. */
  broadcast(snapshot: Snapshot): void;
  readonly count: () => number;
  /** Closes every session (1001), waiting up to a second before terminating the rest. */
  close(): Promise<void>;
}

/** Creates the WebSocket side of a server; the poller runs at full rate only while a tab is open. */
export function createWsSessions(ctx: ServeContext, maxClients: number): WsSessions {
  const clients = new Set<WebSocket>();
  // The last snapshot pushed to each connection: the base of its next delta (null: send it full).
  const lastSent = new Map<WebSocket, Snapshot | null>();
  let lastBroadcast: Snapshot | null = null;
  const serializer = createSnapshotSerializer();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    // Select the protocol; the token subprotocol is checked before the upgrade and never echoed.
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });

  function onConnection(ws: WebSocket): void {
    clients.add(ws);
    lastSent.set(ws, null);
    // The poller runs at full rate only while somebody looks (docs/ARCHITECTURE.md#pause-and-interest).
    if (clients.size === 1) ctx.service.setInterest('active');
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
      lastSent.delete(ws);
      if (clients.size === 0) ctx.service.setInterest('idle');
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        send(ctx, ws, {
          type: 'error',
          id: null,
          error: hmError('INVALID_REQUEST', 'Binary messages are not accepted.'),
        });
        return;
      }
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      const call = decodeWsMessage(text);
      if (!call.ok) {
        send(ctx, ws, { type: 'error', id: call.id, error: call.error });
        return;
      }
      if (call.value === 'resync') {
        // The client could not apply a delta: it gets the latest push whole, and deltas on that.
        lastSent.set(ws, null);
        if (lastBroadcast && send(ctx, ws, serializer.full(lastBroadcast))) {
          lastSent.set(ws, lastBroadcast);
        }
        return;
      }
      const { id } = call.value;
      if (inFlight >= MAX_IN_FLIGHT) {
        send(ctx, ws, { type: 'error', id, error: hmError('INVALID_REQUEST', 'Too many calls in flight.') });
        return;
      }
      if (!ctx.killAllowed(call.value)) {
        send(ctx, ws, {
          type: 'result',
          id,
          result: err('INVALID_REQUEST', 'Too many kill requests; wait a minute.'),
        });
        return;
      }
      inFlight += 1;
      void dispatchCall(ctx.service, call.value, { selfPid: ctx.selfPid }).then((outcome) => {
        inFlight -= 1;
        send(
          ctx,
          ws,
          outcome.kind === 'result'
            ? { type: 'result', id, result: outcome.result }
            : { type: 'error', id, error: outcome.error },
        );
      });
    });
    send(ctx, ws, { type: 'hello', version: CONTRACT_VERSION });
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const host = checkHost(req.rawHeaders, ctx.port());
    const path = req.url ?? '';
    const checks: (() => unknown)[] = [
      () => host,
      // Exactly /ws: no query string, so a token can never arrive (or be logged) in a URL.
      () => (path === WS_PATH ? true : { status: 404, reason: 'Unknown WebSocket path.' }),
      () => checkOrigin(req.rawHeaders, ctx.port()),
      () => checkSubprotocols(req.rawHeaders, ctx.token),
      () => (clients.size < maxClients ? true : { status: 503, reason: 'Too many clients are connected.' }),
    ];
    for (const check of checks) {
      const outcome = check();
      if (isRejection(outcome)) {
        ctx.log(`rejected WebSocket upgrade: ${outcome.reason}`);
        rejectUpgrade(socket, outcome);
        return;
      }
    }
    wss.handleUpgrade(req, socket, head, onConnection);
  }

  return {
    handleUpgrade,
    broadcast(snapshot) {
      lastBroadcast = snapshot;
      if (clients.size === 0) return;
      // Connections that last received the same snapshot (normally all of them) share one message.
      const messages = new Map<Snapshot | null, Buffer>();
      for (const ws of clients) {
        const base = lastSent.get(ws) ?? null;
        let message = messages.get(base);
        if (message === undefined) {
          message = serializer.push(base, snapshot);
          messages.set(base, message);
        }
        // A push that was not sent must not become the base of the next delta.
        lastSent.set(ws, send(ctx, ws, message) ? snapshot : null);
      }
    },
    count: () => clients.size,
    async close() {
      for (const ws of clients) ws.close(1001, 'server shutting down');
      const deadline = Date.now() + 1000;
      while (clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of clients) ws.terminate();
      clients.clear();
      lastSent.clear();
      lastBroadcast = null;
      wss.close();
    },
  };
}
