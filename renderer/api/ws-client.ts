import type { ConnectionState, HarbormasterApi } from '../../app/contract/api.js';
import {
  createApiClient,
  returnsResult,
  type InvokeMethod,
  type ReturnOf,
} from '../../app/contract/methods.js';
import { applySnapshotDelta } from '../../app/contract/snapshot-delta.js';
import {
  WS_SUBPROTOCOL,
  WS_TOKEN_PREFIX,
  type WsCall,
  type WsResync,
  type WsServerMessage,
} from '../../app/contract/ws-protocol.js';
import { backoffDelay } from '../../app/model/backoff.js';
import type { HmError, Result } from '../../app/model/errors.js';
import type { Snapshot } from '../../app/model/snapshot.js';

/** The part of the WebSocket constructor the client needs (browser WebSocket or the `ws` package). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** Constructs a socket for a URL and subprotocol list. */
export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

/** Options of the browser-mode client. */
export interface WsClientOptions {
  /** `ws://127.0.0.1:PORT/ws` */
  readonly url: string;
  /** The per-launch token from the page's `#token=…`. */
  readonly token: string;
  readonly createSocket?: WebSocketFactory;
  /** First reconnect delay, ms (doubles up to maxDelayMs). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** The WebSocket client: HarbormasterApi plus `close()` to stop reconnecting. */
export interface WsClient extends HarbormasterApi {
  close(): void;
  /** The current transport state. */
  readonly state: ConnectionState;
}

interface Pending {
  readonly method: InvokeMethod;
  resolve(value: unknown): void;
  reject(reason: Error): void;
}

const OPEN = 1;

/**
 * Implements HarbormasterApi over one WebSocket (app/contract/ws-protocol.ts). The token travels
 * only as a subprotocol, never in the URL. Calls made while disconnected wait for the next
 * connection; calls in flight when it drops end with a "connection lost" error value (never
 * re-sent, so a kill is never repeated behind the user's back). Reconnects with doubling back-off.
 */
export function createWsClient(options: WsClientOptions): WsClient {
  const createSocket: WebSocketFactory =
    options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike);
  const initialDelay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const snapshotListeners = new Set<(s: Snapshot) => void>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  const queue: WsCall[] = [];
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let closed = false;
  // Reconnect attempts since the last open: the delay before the next one is backoffDelay's.
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  // The last snapshot pushed on this connection: the base the next delta applies to. Null after
  // (re)connecting or a delta that did not fit, until a full snapshot arrives.
  let pushed: Snapshot | null = null;
  let resyncAsked = false;

  const emit = (snapshot: Snapshot): void => {
    for (const l of snapshotListeners) l(snapshot);
  };

  const setState = (next: ConnectionState): void => {
    if (state === next) return;
    state = next;
    for (const l of connectionListeners) l(next);
  };

  const lost = (p: Pending): void => {
    const error: HmError = {
      code: 'INTERNAL',
      message: 'The connection to Harbormaster was lost before it answered.',
    };
    // A method that answers with a bare value rejects; the others answer with their Result.
    if (!returnsResult(p.method)) p.reject(new Error(error.message));
    else p.resolve({ ok: false, error } satisfies Result<never>);
  };

  const onMessage = (raw: unknown): void => {
    if (typeof raw !== 'string') return;
    let msg: WsServerMessage;
    try {
      msg = JSON.parse(raw) as WsServerMessage;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    switch (msg.type) {
      case 'result': {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        p.resolve(msg.result);
        return;
      }
      case 'error': {
        if (msg.id === null) return;
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (!returnsResult(p.method)) p.reject(new Error(msg.error.message));
        else p.resolve({ ok: false, error: msg.error } satisfies Result<never>);
        return;
      }
      case 'event':
        if (msg.event === 'snapshot') {
          pushed = msg.data;
          resyncAsked = false;
          emit(msg.data);
        } else if (msg.event === 'snapshot-delta') {
          // Listeners the delta does not name keep their objects (React memo sees them unchanged).
          const next = pushed ? applySnapshotDelta(pushed, msg.data) : null;
          if (next) {
            pushed = next;
            emit(next);
            return;
          }
          // Never a guessed list: wait for the full snapshot the server answers a resync with
          // (deltas already on their way are dropped until it arrives).
          pushed = null;
          if (!resyncAsked && socket && socket.readyState === OPEN) {
            resyncAsked = true;
            socket.send(JSON.stringify({ type: 'resync' } satisfies WsResync));
          }
        }
        return;
      default:
        return;
    }
  };

  const connect = (): void => {
    if (closed) return;
    setState('connecting');
    let ws: WebSocketLike;
    try {
      ws = createSocket(options.url, [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${options.token}`]);
    } catch {
      scheduleRetry();
      return;
    }
    socket = ws;
    pushed = null;
    resyncAsked = false;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempts = 0;
      setState('open');
      while (queue.length > 0 && ws.readyState === OPEN) ws.send(JSON.stringify(queue.shift()));
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onerror = () => undefined; // `close` follows and does the work.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        lost(p);
      }
      setState('closed');
      scheduleRetry();
    };
  };

  const scheduleRetry = (): void => {
    if (closed || retryTimer !== null) return;
    retryTimer = setTimeout(
      () => {
        retryTimer = null;
        connect();
      },
      backoffDelay(initialDelay, attempts, maxDelay),
    );
    attempts += 1;
  };

  const call = <M extends InvokeMethod>(method: M, params?: unknown): Promise<ReturnOf<M>> =>
    new Promise<ReturnOf<M>>((resolve, reject) => {
      if (closed) {
        lost({ method, resolve: resolve as (v: unknown) => void, reject });
        return;
      }
      const id = nextId++;
      // `params` is omitted for no-argument methods: the server's schema wants it undefined.
      const msg: WsCall =
        params === undefined ? { type: 'call', id, method } : { type: 'call', id, method, params };
      pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      if (socket && socket.readyState === OPEN && state === 'open') socket.send(JSON.stringify(msg));
      else queue.push(msg);
    });

  connect();

  const client: WsClient = {
    ...createApiClient(call),
    get state() {
      return state;
    },
    onSnapshot(listener) {
      snapshotListeners.add(listener);
      return () => snapshotListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        lost(p);
      }
      queue.length = 0;
      ws?.close(1000, 'client closed');
      setState('closed');
    },
  };
  return client;
}
