import type { HmError } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import type { InvokeMethod } from './methods.js';
import type { SnapshotDelta } from './snapshot-delta.js';

/**
 * The browser-mode transport: `HarbormasterApi` over one WebSocket at `/ws` on the serve origin.
 * The per-launch token travels in the URL fragment (`#token=…`, never sent to the server by the
 * browser) and reaches the server as a WebSocket subprotocol, so it is never in a URL or a log.
 */
export const WS_PATH = '/ws';
/** The protocol the server selects. */
export const WS_SUBPROTOCOL = 'harbormaster.v1';
/** Prefix of the subprotocol carrying the token: `harbormaster.token.<token>`. */
export const WS_TOKEN_PREFIX = 'harbormaster.token.';
/** Token alphabet and length check shared by client and server (base64url, 32–128 chars). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

/** Client → server: call one contract method. `params` is the method's single argument. */
export interface WsCall {
  readonly type: 'call';
  readonly id: number;
  readonly method: InvokeMethod;
  readonly params?: unknown;
}

/**
 * Client → server: the last `snapshot-delta` did not fit the snapshot this client holds; the
 * server answers with a full `snapshot` event (the latest it pushed), and deltas build on that.
 */
export interface WsResync {
  readonly type: 'resync';
}

/** Everything a client may send. */
export type WsClientMessage = WsCall | WsResync;

/**
 * Server → client messages. Snapshot pushes: on each connection the first push (and the answer to
 * a `resync`) is a full `snapshot`; later ones are a `snapshot-delta` against the previous push
 * that connection received (app/contract/snapshot-delta.ts), or a full one when a delta cannot
 * describe the change. Either way the message text starts with
 * `{"type":"event","event":"snapshot` and the first `"seq":` in it is the pushed snapshot's seq.
 */
export type WsServerMessage =
  | { readonly type: 'hello'; readonly version: 1 }
  /** The method's return value (itself often a Result). */
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  /** The call could not be made at all (unknown method, malformed message). */
  | { readonly type: 'error'; readonly id: number | null; readonly error: HmError }
  | { readonly type: 'event'; readonly event: 'snapshot'; readonly data: Snapshot }
  | { readonly type: 'event'; readonly event: 'snapshot-delta'; readonly data: SnapshotDelta };
