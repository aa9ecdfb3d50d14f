import { z } from 'zod';
import { dispatch } from '../contract/dispatch.js';
import { APP_VERSION, CONTRACT_VERSION, type InvokeApi, type InvokeMethod } from '../contract/methods.js';
import type { WsCall, WsServerMessage } from '../contract/ws-protocol.js';
import { hmError } from '../model/errors.js';
import { toSafeJson } from '../model/clean-text.js';

/**
 * `harbormaster agent --stdio` (issue 15): the contract's WebSocket framing (ws-protocol.ts
 * `WsCall` in, `WsServerMessage` out), one JSON object per line over an ssh channel instead of a
 * socket. The agent sends a hello first; every call is validated by the contract's own schemas in
 * `dispatch`. Only the methods a remote host needs are served: nothing that opens a browser,
 * changes settings or reaches another machine runs on the remote's behalf.
 */

/** Version of this line framing and hello; a client refuses any other. */
export const AGENT_PROTOCOL = 1;

/** The contract methods the agent serves. */
export const AGENT_METHODS = [
  'getVersion',
  'getSnapshot',
  'checkHealth',
  'kill',
] as const satisfies readonly InvokeMethod[];
export type AgentMethod = (typeof AGENT_METHODS)[number];

/** Longest request line the agent reads (requests are a few hundred bytes). */
export const MAX_REQUEST_LINE = 64 * 1024;
/** Longest answer line the client reads (a snapshot of thousands of listeners). */
export const MAX_ANSWER_LINE = 32 * 1024 * 1024;

/** The agent's first line: which framing, package and contract it speaks. */
export interface AgentHello {
  readonly type: 'hello';
  /** ws-protocol.ts's hello version. */
  readonly version: 1;
  readonly agent: number;
  readonly app: string;
  readonly contract: number;
}

/** The hello this build sends. */
export function agentHello(): AgentHello {
  return { type: 'hello', version: 1, agent: AGENT_PROTOCOL, app: APP_VERSION, contract: CONTRACT_VERSION };
}

/** The major version of a `x.y.z` version string, or null. */
export function majorOf(version: string): number | null {
  const m = /^(\d{1,6})\.\d{1,6}\.\d{1,6}(?:[-+][0-9A-Za-z.-]{0,40})?$/.exec(version);
  return m ? Number(m[1]) : null;
}

const HelloSchema = z.strictObject({
  type: z.literal('hello'),
  version: z.literal(1),
  agent: z.number().int(),
  app: z.string().max(64),
  contract: z.number().int(),
});

/**
 * Whether a remote's first line is a hello this build can use: the same agent framing, the same
 * contract and the same major version (issue 15: "of the same major version"). The reason is
 * shown to the user (the host section says why it fell back to the script).
 */
export function checkHello(
  line: string,
): { readonly ok: true; readonly hello: AgentHello } | { readonly ok: false; readonly reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'the remote harbormaster did not answer with a hello' };
  }
  const parsed = HelloSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'the remote harbormaster sent an unreadable hello' };
  const hello = parsed.data;
  const theirs = majorOf(hello.app);
  const ours = majorOf(APP_VERSION);
  if (theirs === null || theirs !== ours)
    return {
      ok: false,
      reason: `the remote harbormaster is version ${hello.app.replace(/[^0-9A-Za-z.+-]/g, '?')}, this one is ${APP_VERSION} (major versions differ)`,
    };
  if (hello.agent !== AGENT_PROTOCOL || hello.contract !== CONTRACT_VERSION)
    return {
      ok: false,
      reason: `the remote harbormaster speaks agent protocol ${hello.agent}/contract ${hello.contract}, this one ${AGENT_PROTOCOL}/${CONTRACT_VERSION}`,
    };
  return { ok: true, hello: { ...hello, type: 'hello', version: 1 } };
}

const CallSchema = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().max(64),
  params: z.unknown().optional(),
});

/** One request line read as a call of a served method, or the error message to answer. */
export function parseAgentCall(
  line: string,
): { readonly ok: true; readonly call: WsCall & { readonly method: AgentMethod } } | WsServerMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { type: 'error', id: null, error: hmError('INVALID_REQUEST', 'The request is not JSON.') };
  }
  const parsed = CallSchema.safeParse(raw);
  if (!parsed.success) {
    const id = (raw as { id?: unknown } | null)?.id;
    return {
      type: 'error',
      id: typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null,
      error: hmError('INVALID_REQUEST', 'The request is not a call ({type, id, method, params}).'),
    };
  }
  const { id, method } = parsed.data;
  if (!(AGENT_METHODS as readonly string[]).includes(method))
    return {
      type: 'error',
      id,
      error: hmError(
        'INVALID_REQUEST',
        `The agent does not serve ${JSON.stringify(method.replace(/[^\w-]/g, '?'))}; it serves ${AGENT_METHODS.join(', ')}.`,
      ),
    };
  return { ok: true, call: { ...parsed.data, method: method as AgentMethod } };
}

/**
 * Splits a byte stream into lines of at most `max` bytes. A longer line is refused once
 * (`onOversize`) and skipped up to its newline, so a hostile peer cannot make the reader buffer
 * without bound, and the next line is read normally.
 */
export function createLineSplitter(
  max: number,
  onLine: (line: string) => void,
  onOversize: () => void,
): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  return (chunk) => {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); ; nl = chunk.indexOf(10, from)) {
      const end = nl === -1 ? chunk.length : nl;
      if (!skipping) {
        size += end - from;
        if (size > max) {
          skipping = true;
          parts = [];
          onOversize();
        } else parts.push(chunk.subarray(from, end));
      }
      if (nl === -1) return;
      if (!skipping) onLine(Buffer.concat(parts).toString('utf8'));
      parts = [];
      size = 0;
      skipping = false;
      from = nl + 1;
    }
  };
}

/** What the agent loop needs: the core, somewhere to write lines, and the request stream. */
export interface AgentServerOptions {
  readonly api: Pick<InvokeApi, AgentMethod>;
  /** Writes one whole line (the caller's only output: stdout). */
  readonly write: (line: string) => void;
  readonly input: NodeJS.ReadableStream;
}

/**
 * Serves calls until the input ends, then resolves once every call in flight has answered. Calls
 * run concurrently (a kill's grace period does not hold up a snapshot); answers carry the call's
 * id. Output is `toSafeJson`: no raw control byte ever leaves, whatever a string holds.
 */
export function serveAgent(o: AgentServerOptions): Promise<void> {
  const send = (m: WsServerMessage | AgentHello) => o.write(`${toSafeJson(m)}\n`);
  send(agentHello());
  const inFlight = new Set<Promise<void>>();
  const onLine = (line: string) => {
    if (line.trim() === '') return;
    const parsed = parseAgentCall(line);
    if (!('ok' in parsed)) return send(parsed);
    const { id, method, params } = parsed.call;
    const p = dispatch(o.api as InvokeApi, method, params).then((outcome) =>
      send(
        outcome.kind === 'result'
          ? { type: 'result', id, result: outcome.result }
          : { type: 'error', id, error: outcome.error },
      ),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const split = createLineSplitter(MAX_REQUEST_LINE, onLine, () =>
    send({
      type: 'error',
      id: null,
      error: hmError('INVALID_REQUEST', `The request line is longer than ${MAX_REQUEST_LINE} bytes.`),
    }),
  );
  return new Promise((resolve) => {
    const end = () => void Promise.all([...inFlight]).then(() => resolve());
    o.input.on('data', (b: Buffer | string) => split(typeof b === 'string' ? Buffer.from(b) : b));
    o.input.once('end', end);
    o.input.once('close', end);
    o.input.once('error', end);
  });
}
