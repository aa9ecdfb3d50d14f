import type { KillRequest } from '../contract/api.js';
import type { KillMode } from '../model/actions.js';
import { err, ok, type Result } from '../model/errors.js';

/**
 * The kill pipeline's entry check of its request: exactly the rule of the contract's
 * `KillRequestSchema` (app/contract/schemas.ts), written out for the six fields the pipeline
 * reads. The transports (IPC, WebSocket, core-host) still validate with the zod schema at their
 * edge; this keeps direct callers (the CLI) to the same rule without loading zod and the
 * contract's schemas, ~25 ms of a `harbormaster kill` before its prompt (issue 14 item 2).
 * kill-request.test.ts runs both over thousands of generated good and hostile inputs and
 * requires the same verdict, error code, field and value from each.
 */

/** The schema's caps: listener ids up to 300 characters, start tokens up to 64, pids to 2³²−1. */
const LISTENER_ID_MAX = 300;
const START_TOKEN_MAX = 64;
const PID_MAX = 4_294_967_295;
const KILL_ID = /^[A-Za-z0-9_-]{8,64}$/;
const KEYS = new Set(['listenerId', 'pid', 'startToken', 'mode', 'afterFailedTerm', 'killId']);

/** Characters as the schema counts them: code points, a surrogate pair one, a lone half one. */
function codePoints(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i += 1) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

/** 1 to `max` characters; only a string longer than `max` UTF-16 units needs its pairs counted. */
const isText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length >= 1 && (v.length <= max || codePoints(v) <= max);

function bad(field: string, what: string): Result<KillRequest> {
  return err('INVALID_REQUEST', `Invalid request for kill: ${field ? `${field}: ` : ''}${what}.`);
}

/**
 * Checks `input` as `KillRequestSchema` does: a non-array object with no key but the six
 * (inherited enumerable keys count, as in a `for…in`), fields in the schema's order, the first
 * bad one named. A bad pid is `INVALID_PID`, anything else `INVALID_REQUEST` (as `parseRequest`).
 * The value returned is a fresh object of the six fields: nothing of the caller's object is kept.
 */
export function checkKillRequest(input: unknown): Result<KillRequest> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return bad('', 'expected an object');
  }
  const o = input as Record<string, unknown>;
  // Each field is read once: a getter cannot answer one thing to the check and another to the use.
  const { listenerId, pid, startToken, mode, afterFailedTerm, killId } = o;
  if (!isText(listenerId, LISTENER_ID_MAX)) return bad('listenerId', `1–${LISTENER_ID_MAX} characters`);
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 1 || pid > PID_MAX) {
    return err('INVALID_PID', 'Invalid pid: a whole number of 1 or more is required.');
  }
  if (!isText(startToken, START_TOKEN_MAX)) return bad('startToken', `1–${START_TOKEN_MAX} characters`);
  if (mode !== 'graceful' && mode !== 'force') return bad('mode', 'expected "graceful" or "force"');
  if (afterFailedTerm !== undefined && typeof afterFailedTerm !== 'boolean') {
    return bad('afterFailedTerm', 'expected a boolean');
  }
  if (killId !== undefined && (typeof killId !== 'string' || !KILL_ID.test(killId))) {
    return bad('killId', '8–64 of A–Z, a–z, 0–9, _ and -');
  }
  for (const key in o) {
    if (!KEYS.has(key)) return bad('', 'unrecognized key');
  }
  return ok({
    listenerId,
    pid,
    startToken,
    mode: mode satisfies KillMode,
    ...(afterFailedTerm !== undefined ? { afterFailedTerm } : {}),
    ...(killId !== undefined ? { killId } : {}),
  });
}
