import { z } from 'zod';
import { err, ok, type Result } from '../model/errors.js';
import { checkAlias } from '../remote/alias.js';
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
export const OpenRequestSchema = z.strictObject({
  listenerId,
  anyway: z.boolean().optional(),
  launch: z.boolean().optional(),
});
export const PortRequestSchema = z.strictObject({ port });
export const KillRequestSchema = z.strictObject({
  listenerId,
  pid,
  startToken: z.string().min(1).max(64),
  mode: z.enum(['graceful', 'force']),
  afterFailedTerm: z.boolean().optional(),
  killId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional(),
});
export const CancelKillRequestSchema = z.strictObject({
  killId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});
// A pasted URL may be long, but not unbounded; the core parses it strictly (app/why/target.ts).
export const WhyRequestSchema = z.strictObject({
  target: z.string().min(1).max(2048),
  timeoutMs: z.number().int().min(1).max(30_000).optional(),
});
export const PortHistoryRequestSchema = z.strictObject({
  port,
  limit: z.number().int().min(1).max(1000).optional(),
});
/** A container id (hex) or Docker name: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, as the engine allows. */
export const ContainerActionSchema = z.strictObject({
  container: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
  action: z.enum(['stop', 'restart']),
});
/** An ssh alias or `user@host`: the strict rule of app/remote/alias.ts, never a leading `-`. */
const hostAlias = z
  .string()
  .max(300)
  .refine((a) => checkAlias(a).ok, 'not a valid host alias');
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
    hosts: z.array(hostAlias).max(100),
    pinnedHosts: z.array(hostAlias).max(100),
  })
  .partial();
// Checked here too, so a hostile alias never reaches the service (CVE-2017-1000117).
export const HostRequestSchema = z.strictObject({ alias: hostAlias, peek: z.boolean().optional() });
export const RemoteOpenSchema = z.strictObject({
  alias: hostAlias,
  port,
  launch: z.boolean().optional(),
});
export const CloseForwardsSchema = z.strictObject({
  id: z.union([z.number().int().min(1).max(1_000_000), z.literal('all')]),
});
/** A remote kill: the identity the user confirmed, every part numeric (spliced into kill-script.ts). */
export const RemoteKillSchema = z.strictObject({
  alias: hostAlias,
  port,
  pid: z.number().int().min(2).max(4_194_304),
  startTicks: z.string().regex(/^\d{1,20}$/),
  uid: z.number().int().min(0).max(4_294_967_295),
  inode: z.string().regex(/^\d{1,20}$/),
});
export const TrustBeginSchema = z.strictObject({ alias: hostAlias });
export const TrustAnswerSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  accept: z.boolean(),
});
const NoArgs = z.undefined();

/** The schema of each method's single argument. */
export const REQUEST_SCHEMAS = {
  getSnapshot: NoArgs,
  lookup: PortRequestSchema,
  checkHealth: CheckHealthRequestSchema,
  kill: KillRequestSchema,
  cancelKill: CancelKillRequestSchema,
  containerAction: ContainerActionSchema,
  open: OpenRequestSchema,
  setPaused: SetPausedSchema,
  getSettings: NoArgs,
  updateSettings: SettingsPatchSchema,
  getVersion: NoArgs,
  why: WhyRequestSchema,
  portHistory: PortHistoryRequestSchema,
  listHosts: NoArgs,
  getHost: HostRequestSchema,
  collapseHost: HostRequestSchema,
  openRemote: RemoteOpenSchema,
  listForwards: NoArgs,
  closeForwards: CloseForwardsSchema,
  killRemote: RemoteKillSchema,
  beginTrust: TrustBeginSchema,
  answerTrust: TrustAnswerSchema,
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
