import { z } from 'zod';
import { err, ok, type Result } from '../model/errors.js';
import { MAX_PORT, MIN_PORT } from '../model/port.js';
import type { ArgOf, InvokeMethod } from './methods.js';

/**
 * Runtime schemas for every request that crosses a process boundary (Electron IPC, WebSocket, the
 * core-host channel). Each edge validates once, through `dispatch` (dispatch.ts); the service
 * behind it takes typed, already-validated requests.
 * Objects are strict (unknown keys, including `__proto__`, are rejected), strings are capped.
 */
const listenerId = z.string().min(1).max(300);
const port = z.number().int().min(MIN_PORT).max(MAX_PORT);
const pid = z.number().int().min(1).max(4_294_967_295);

export const ListenerRequestSchema = z.strictObject({ listenerId });
export const CheckHealthRequestSchema = z.strictObject({ listenerId, bulk: z.boolean().optional() });
export const OpenRequestSchema = z.strictObject({ listenerId, anyway: z.boolean().optional() });
export const PortRequestSchema = z.strictObject({ port });
export const KillRequestSchema = z.strictObject({
  listenerId,
  pid,
  startToken: z.string().min(1).max(64),
  mode: z.enum(['graceful', 'force']),
});
/** Longest label a pin may carry (a name, not a note). */
export const PIN_LABEL_MAX = 60;
export const SetPausedSchema = z.strictObject({ paused: z.boolean() });
export const SettingsPatchSchema = z
  .strictObject({
    pollIntervalMs: z.number().int().min(500).max(60_000),
    showOtherUsers: z.boolean(),
    showSystem: z.boolean(),
    confirmBeforeKill: z.boolean(),
    trayKillWithoutConfirmForOwnDev: z.boolean(),
    watchedPorts: z.array(port).max(200),
    watchedProjects: z.array(z.string().min(1).max(200)).max(200),
    notifyNewListeners: z.boolean(),
    launchAtLogin: z.boolean(),
    theme: z.enum(['system', 'light', 'dark']),
    autoProbe: z.boolean(),
    pins: z.array(z.strictObject({ port, label: z.string().max(PIN_LABEL_MAX).nullable() })).max(100),
  })
  .partial();
const NoArgs = z.undefined();

/** The schema of each method's single argument. */
export const REQUEST_SCHEMAS = {
  getSnapshot: NoArgs,
  lookup: PortRequestSchema,
  checkHealth: CheckHealthRequestSchema,
  kill: KillRequestSchema,
  open: OpenRequestSchema,
  setPaused: SetPausedSchema,
  getSettings: NoArgs,
  updateSettings: SettingsPatchSchema,
  getVersion: NoArgs,
} as const satisfies Record<InvokeMethod, z.ZodType>;

/**
 * Parses one request payload for `method`. Errors are values (`INVALID_PORT` for a bad port,
 * `INVALID_PID` for a bad pid, otherwise `INVALID_REQUEST`), never exceptions.
 */
export function parseRequest<M extends InvokeMethod>(method: M, payload: unknown): Result<ArgOf<M>> {
  const schema = REQUEST_SCHEMAS[method] as z.ZodType;
  const parsed = schema.safeParse(payload);
  if (parsed.success) return ok(parsed.data as ArgOf<M>);
  const first = parsed.error.issues[0];
  const path = first?.path.join('.') ?? '';
  if (path === 'port' || path.startsWith('watchedPorts') || /^pins\.\d+\.port$/.test(path)) {
    return err('INVALID_PORT', `Invalid port: port must be ${MIN_PORT}–${MAX_PORT}.`);
  }
  if (path === 'pid') return err('INVALID_PID', 'Invalid pid: a whole number of 1 or more is required.');
  return err(
    'INVALID_REQUEST',
    `Invalid request for ${method}: ${path ? `${path}: ` : ''}${first?.message ?? 'malformed'}.`,
  );
}
