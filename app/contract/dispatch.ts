import { hmError, type HmError } from '../model/errors.js';
import { invoke, returnsResult, type ArgOf, type InvokeApi, type InvokeMethod } from './methods.js';
import { parseRequest } from './schemas.js';

/** What a dispatched call produced: the method's answer, or an error for the transport to send. */
export type DispatchOutcome =
  { readonly kind: 'result'; readonly result: unknown } | { readonly kind: 'error'; readonly error: HmError };

/**
 * A failure as the method delivers it: inside its `Result` for methods that answer with one, as a
 * transport error (the call rejects) for methods that answer with a bare value.
 */
export function failureOutcome(method: InvokeMethod, error: HmError): DispatchOutcome {
  return returnsResult(method) ? { kind: 'result', result: { ok: false, error } } : { kind: 'error', error };
}

/**
 * The server half of every transport: validates `raw` with the method's schema — the one
 * validation at this process edge — and only then calls `api`. An exception from the core becomes
 * an `INTERNAL` error, so one bad call never takes a server down.
 */
export async function dispatch(api: InvokeApi, method: InvokeMethod, raw: unknown): Promise<DispatchOutcome> {
  const parsed = parseRequest(method, raw);
  if (!parsed.ok) return failureOutcome(method, parsed.error);
  try {
    return { kind: 'result', result: await invoke(api, method, parsed.value as ArgOf<typeof method>) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: 'error',
      error: hmError('INTERNAL', `The call ${method} failed: ${message.slice(0, 200)}`),
    };
  }
}
