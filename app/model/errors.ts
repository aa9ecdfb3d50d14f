/**
 * Errors cross every boundary (IPC, WebSocket, CLI `--json`) as plain values with a stable code
 * and a human sentence, never as thrown exceptions.
 */
export const ERROR_CODES = [
  'INVALID_PORT',
  'INVALID_PID',
  'INVALID_REQUEST',
  'NOT_IN_SNAPSHOT',
  'PROCESS_CHANGED',
  /** The process is the same, but no longer holds the listener the user confirmed. */
  'NO_LONGER_HOLDS',
  'PROTECTED',
  'EPERM',
  'ESRCH',
  'STILL_LISTENING',
  'TOOL_MISSING',
  'TIMEOUT',
  'SCAN_FAILED',
  'PROBE_FAILED',
  'OPEN_FAILED',
  'UNSUPPORTED',
  'NOT_HTTP',
  /** Host-key trust refused: fingerprints differ, ssh asked for a secret, or the channel was misused. */
  'TRUST_REFUSED',
  'INTERNAL',
] as const;

/** A stable error code; the UI maps each to a hint. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as a value: a stable code, one human sentence, and optionally something to copy. */
export interface HmError {
  readonly code: ErrorCode;
  readonly message: string;
  /** A short suggestion for the user ("needs admin: copy the command"). */
  readonly hint?: string;
  /** A copyable shell command that would do what we could not (e.g. `sudo kill 1234`). */
  readonly command?: string;
}

/** Success or an error value. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: HmError };

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed Result from a code and a sentence (plus optional hint/command). */
export function err<T = never>(
  code: ErrorCode,
  message: string,
  extra: { hint?: string; command?: string } = {},
): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}

/** Builds a bare error value. */
export function hmError(
  code: ErrorCode,
  message: string,
  extra: { hint?: string; command?: string } = {},
): HmError {
  return { code, message, ...extra };
}

/** True when `value` looks like an HmError (used on data from other processes). */
export function isHmError(value: unknown): value is HmError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['message'] === 'string' &&
    typeof v['code'] === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v['code'])
  );
}
