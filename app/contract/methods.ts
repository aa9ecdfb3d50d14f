import type { HarbormasterApi } from './api.js';

/** Names of the request/response methods (everything but the `on*` subscriptions). */
export type InvokeMethod = Exclude<keyof HarbormasterApi, 'onSnapshot' | 'onConnection'>;

/** The request/response half of the contract: what every transport carries. */
export type InvokeApi = Pick<HarbormasterApi, InvokeMethod>;

/** The single argument of a method (`undefined` for methods that take none). */
export type ArgOf<M extends InvokeMethod> = Parameters<HarbormasterApi[M]>[0];

/** What a method resolves to. */
export type ReturnOf<M extends InvokeMethod> = Awaited<ReturnType<HarbormasterApi[M]>>;

/** The package version; `methods.test.ts` checks it against package.json so the two cannot drift. */
export const APP_VERSION = '0.1.0';

/**
 * The contract version, answered by `getVersion` and sent in the WebSocket `hello`: bump it when a
 * method, request shape or push changes incompatibly.
 */
export const CONTRACT_VERSION = 1;

/** How one method travels. */
export interface MethodSpec {
  /** Channel name, `domain:verb`, used by Electron IPC and the WebSocket protocol. */
  readonly channel: string;
  /**
   * `result`: the method answers with a `Result`, so a transport or validation failure is
   * delivered as `{ ok: false, error }`. `bare`: it answers with a plain value, so a failure
   * rejects the call instead.
   */
  readonly returns: 'bare' | 'result';
  /** Only reads: after a core restart the call is sent again instead of failing. */
  readonly retryable: boolean;
  /** False for methods without an argument: clients send none, whatever the caller passed. */
  readonly takesRequest: boolean;
}

/**
 * The method table: the one place a request/response method is described. Dispatchers and clients
 * of every transport (WebSocket, Electron IPC, the core-host channel) are built from it, so adding
 * a method touches the contract, the service and the UI call site, nothing else. `satisfies`
 * makes the compiler point at a method of `HarbormasterApi` that is missing here.
 */
export const METHODS = {
  getSnapshot: { channel: 'snapshot:get', returns: 'bare', retryable: true, takesRequest: false },
  lookup: { channel: 'port:lookup', returns: 'result', retryable: true, takesRequest: true },
  checkHealth: { channel: 'health:check', returns: 'result', retryable: true, takesRequest: true },
  kill: { channel: 'process:kill', returns: 'result', retryable: false, takesRequest: true },
  cancelKill: { channel: 'process:kill-cancel', returns: 'result', retryable: false, takesRequest: true },
  containerAction: {
    channel: 'container:action',
    returns: 'result',
    retryable: false,
    takesRequest: true,
  },
  open: { channel: 'listener:open', returns: 'result', retryable: false, takesRequest: true },
  setPaused: { channel: 'poller:set-paused', returns: 'result', retryable: false, takesRequest: true },
  getSettings: { channel: 'settings:get', returns: 'bare', retryable: true, takesRequest: false },
  updateSettings: { channel: 'settings:update', returns: 'result', retryable: false, takesRequest: true },
  getVersion: { channel: 'app:version', returns: 'bare', retryable: true, takesRequest: false },
  why: { channel: 'port:why', returns: 'result', retryable: true, takesRequest: true },
  portHistory: { channel: 'port:history', returns: 'result', retryable: true, takesRequest: true },
  listHosts: { channel: 'hosts:list', returns: 'bare', retryable: true, takesRequest: false },
  getHost: { channel: 'hosts:get', returns: 'result', retryable: true, takesRequest: true },
  collapseHost: { channel: 'hosts:collapse', returns: 'result', retryable: false, takesRequest: true },
  openRemote: { channel: 'hosts:open', returns: 'result', retryable: false, takesRequest: true },
  listForwards: { channel: 'forwards:list', returns: 'bare', retryable: true, takesRequest: false },
  closeForwards: { channel: 'forwards:close', returns: 'result', retryable: false, takesRequest: true },
  killRemote: { channel: 'hosts:kill', returns: 'result', retryable: false, takesRequest: true },
  beginTrust: { channel: 'hosts:trust-begin', returns: 'result', retryable: false, takesRequest: true },
  answerTrust: { channel: 'hosts:trust-answer', returns: 'result', retryable: false, takesRequest: true },
} as const satisfies Record<InvokeMethod, MethodSpec>;

// Compile-time checks that the table agrees with the interface: a method answers with a `Result`
// exactly when the table says so, and takes an argument exactly when the table says so.
type Agrees<M extends InvokeMethod> = [ReturnOf<M> extends { ok: boolean } ? 'result' : 'bare'] extends [
  (typeof METHODS)[M]['returns'],
]
  ? [ArgOf<M> extends undefined ? false : true] extends [(typeof METHODS)[M]['takesRequest']]
    ? true
    : false
  : false;
type Disagreeing = { [M in InvokeMethod]: Agrees<M> extends true ? never : M }[InvokeMethod];
// A method whose row disagrees turns this type into its name, and `true` no longer fits.
export const METHOD_TABLE_AGREES: [Disagreeing] extends [never] ? true : Disagreeing = true;

/** Every request/response method, in table order. */
export const INVOKE_METHODS = Object.keys(METHODS) as InvokeMethod[];

/** Channel name of each method. */
export const CHANNELS = Object.fromEntries(INVOKE_METHODS.map((m) => [m, METHODS[m].channel])) as {
  readonly [M in InvokeMethod]: (typeof METHODS)[M]['channel'];
};

/** Push channels. */
export const EVENTS = {
  snapshot: 'snapshot:changed',
} as const;

/** True for method names of the contract (own keys only, so `__proto__`, `constructor` are not). */
export function isInvokeMethod(name: unknown): name is InvokeMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** True when `method` answers with a `Result` (so failures travel as `{ ok: false }`). */
export function returnsResult(method: InvokeMethod): boolean {
  return METHODS[method].returns === 'result';
}

/** Calls `method` on an implementation with its one argument: the generic half of every forwarder. */
export function invoke<M extends InvokeMethod>(
  api: InvokeApi,
  method: M,
  arg: ArgOf<M>,
): Promise<ReturnOf<M>> {
  const fn = api[method] as (arg: ArgOf<M>) => Promise<ReturnOf<M>>;
  return fn.call(api, arg);
}

/** Sends one call over some transport and resolves to the method's answer. */
export type CallFn = <M extends InvokeMethod>(method: M, arg: ArgOf<M>) => Promise<ReturnOf<M>>;

/**
 * Builds every request/response method of the contract from one `call` function: the WebSocket
 * client, the core-host client and the Electron preload are each this plus their subscriptions.
 */
export function createApiClient(call: CallFn): InvokeApi {
  const api: Record<string, (arg?: unknown) => Promise<unknown>> = {};
  for (const method of INVOKE_METHODS) {
    api[method] = METHODS[method].takesRequest
      ? (arg?: unknown) => call(method, arg as never)
      : () => call(method, undefined as never);
  }
  return api as unknown as InvokeApi;
}
