import { dispatch, type DispatchOutcome } from '../contract/dispatch.js';
import { isInvokeMethod, type InvokeApi, type InvokeMethod } from '../contract/methods.js';
import { err, ok, type HmError, type Result } from '../model/errors.js';

/** A call decoded from a WebSocket message or an HTTP body, not yet validated against its schema. */
export interface DecodedCall {
  readonly id: number;
  readonly method: InvokeMethod;
  readonly params: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A decoded call, or the error to answer with (and the call id when one could be read). */
export type DecodeResult =
  | { readonly ok: true; readonly value: DecodedCall }
  | { readonly ok: false; readonly id: number | null; readonly error: HmError };

/**
 * Decodes a `{ type: 'call', id, method, params? }` message (WebSocket) strictly: exactly those
 * keys, a safe non-negative integer id, a contract method name (own property only, so
 * `__proto__`/`constructor` are unknown methods).
 */
function decodeCallObject(data: unknown): DecodeResult {
  if (!isPlainObject(data)) return withId(err('INVALID_REQUEST', 'The message must be a JSON object.'), null);
  const keys = Object.keys(data);
  const id = data['id'];
  const validId = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
  if (data['type'] !== 'call') return withId(err('INVALID_REQUEST', 'Unknown message type.'), validId);
  if (validId === null) return withId(err('INVALID_REQUEST', 'A call needs a whole-number id.'), null);
  if (keys.some((k) => k !== 'type' && k !== 'id' && k !== 'method' && k !== 'params')) {
    return withId(err('INVALID_REQUEST', 'The message has unknown keys.'), validId);
  }
  const method = data['method'];
  if (!isInvokeMethod(method)) {
    return withId(err('INVALID_REQUEST', `Unknown method ${describe(method)}.`), validId);
  }
  return { ok: true, value: { id: validId, method, params: data['params'] } };
}

/** A decoded WebSocket message: a call, or a client's request for a full snapshot. */
export type DecodeWsResult =
  | { readonly ok: true; readonly value: DecodedCall | 'resync' }
  | { readonly ok: false; readonly id: number | null; readonly error: HmError };

/**
 * Decodes any WebSocket client message (app/contract/ws-protocol.ts `WsClientMessage`): a call,
 * checked as {@link decodeCallObject} says, or exactly `{ "type": "resync" }` (no other keys).
 * Never throws.
 */
export function decodeWsMessage(text: string): DecodeWsResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return withId(err('INVALID_REQUEST', 'The message is not valid JSON.'), null);
  }
  if (isPlainObject(data) && data['type'] === 'resync') {
    if (Object.keys(data).length !== 1)
      return withId(err('INVALID_REQUEST', 'The message has unknown keys.'), null);
    return { ok: true, value: 'resync' };
  }
  return decodeCallObject(data);
}

/** Decodes an HTTP `POST /api/call` body `{ method, params? }` with the same strictness. */
export function decodeHttpCall(text: string): Result<DecodedCall> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return err('INVALID_REQUEST', 'The body is not valid JSON.');
  }
  if (!isPlainObject(data)) return err('INVALID_REQUEST', 'The body must be a JSON object.');
  if (Object.keys(data).some((k) => k !== 'method' && k !== 'params')) {
    return err('INVALID_REQUEST', 'The body has unknown keys.');
  }
  const method = data['method'];
  if (!isInvokeMethod(method)) return err('INVALID_REQUEST', `Unknown method ${describe(method)}.`);
  return ok({ id: 0, method, params: data['params'] });
}

function withId(result: Result<never>, id: number | null): DecodeResult {
  return result.ok ? result : { ok: false, id, error: result.error };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return typeof value;
}

export type { DispatchOutcome };

/** Limits the transport adds on top of the core's own checks. */
export interface DispatchGuard {
  /** This server's pid: it never kills itself (the occupant of its own port). */
  readonly selfPid: number;
}

/**
 * Dispatches a decoded call through the contract's `dispatch` (validate once, then the core), with
 * one rule of this transport on top: a kill aimed at the serve process itself is refused before
 * it reaches the core — never kill the occupant of our own port, the server the user is looking at.
 */
export function dispatchCall(
  api: InvokeApi,
  call: DecodedCall,
  guard: DispatchGuard,
): Promise<DispatchOutcome> {
  const guarded: InvokeApi = {
    ...api,
    kill: async (request) =>
      request.pid === guard.selfPid
        ? err('PROTECTED', 'That is the Harbormaster server you are using; stop it with Ctrl+C instead.')
        : api.kill(request),
  };
  return dispatch(guarded, call.method, call.params);
}
