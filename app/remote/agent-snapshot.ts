import { z } from 'zod';
import type { KillRequest } from '../contract/api.js';
import { exposureOf } from '../model/classify.js';
import { cleanText } from '../model/clean-text.js';
import type { Health } from '../model/health.js';
import type { RemoteKillOutcome } from '../model/remote-kill.js';
import type { RemoteListener } from '../model/remote-host.js';
import type { RemoteKillTarget } from './kill-script.js';

/**
 * The agent's answers read on this side (issue 15). The remote is untrusted even when it says it
 * is Harbormaster: a snapshot is validated field by field, every string is cleaned again here,
 * and only what a host section shows is kept (the same RemoteListener the script path yields,
 * plus the agent's health).
 */

const MAX_LISTENERS = 20_000;
const text = (max: number) =>
  z
    .string()
    .max(64 * 1024)
    .transform((s) => cleanText(s, { max, collapse: true }));
const digits = z.string().regex(/^\d{1,20}$/);
const time = z.number().finite().nullable().optional();

const OwnerSchema = z.union([
  z.object({
    kind: z.literal('process'),
    pid: z.number().int().min(1).max(4_194_304),
    startToken: z.string().max(64),
    startedAt: time,
    name: text(32),
    command: text(1000),
    user: text(32).nullable(),
    uid: z.number().int().min(0).max(4_294_967_295).nullable(),
    cwd: text(300).nullable(),
  }),
  z.object({
    kind: z.literal('unknown'),
    pid: z.number().int().nullable(),
    uid: z.number().int().min(0).max(4_294_967_295).nullable(),
  }),
]);

const ms = z.number().finite().min(0);
const HealthSchema = z.union([
  z.object({
    state: z.literal('up'),
    kind: z.enum(['http', 'https', 'tcp', 'banner', 'redis', 'postgres']),
    checkedAt: ms,
    latencyMs: ms,
    status: z.number().int().min(100).max(999).optional(),
    title: text(200).optional(),
    server: text(100).optional(),
    banner: text(200).optional(),
    protocol: text(40).optional(),
    detail: text(200).optional(),
  }),
  z.object({ state: z.enum(['refused']), checkedAt: ms, latencyMs: ms }),
  z.object({ state: z.literal('timeout'), checkedAt: ms, latencyMs: ms, detail: text(200).optional() }),
  z.object({ state: z.literal('error'), checkedAt: ms, code: text(40), message: text(300) }),
  z.object({ state: z.enum(['unknown', 'checking']) }).transform((): Health => ({ state: 'unknown' })),
]);

const ListenerSchema = z.object({
  id: z.string().min(1).max(300),
  protocol: z.enum(['tcp', 'udp']),
  family: z.union([z.literal(4), z.literal(6)]),
  address: z.string().regex(/^[0-9A-Fa-f.:]{1,45}(%[\w.-]{1,16})?$/),
  port: z.number().int().min(0).max(65535),
  socketId: digits.nullable(),
  owner: OwnerSchema,
  health: HealthSchema.catch({ state: 'unknown' }),
});

const SnapshotSchema = z.object({
  stale: z.boolean().optional(),
  viewer: z.object({ uid: z.number().int().min(0).nullable() }).optional(),
  listeners: z.array(z.unknown()).max(MAX_LISTENERS),
});

/** A remote listener read from the agent, with the agent's id for it (its kill takes that id). */
export interface AgentListener extends RemoteListener {
  readonly agentId: string;
}

/** The agent's snapshot as the host section shows it, or why it cannot be used. */
export type AgentSnapshotRead =
  | {
      readonly ok: true;
      readonly listeners: readonly AgentListener[];
      readonly viewerUid: number | null;
      readonly skipped: number;
    }
  | { readonly ok: false; readonly message: string };

/** Validates and converts an agent `getSnapshot` answer; malformed rows are skipped and counted. */
export function readAgentSnapshot(raw: unknown): AgentSnapshotRead {
  const snap = SnapshotSchema.safeParse(raw);
  if (!snap.success) return { ok: false, message: 'The remote agent sent an unreadable snapshot.' };
  // Its scan failed and it carries the last good listeners: never shown as the current truth.
  if (snap.data.stale === true) return { ok: false, message: 'The remote agent’s scan failed.' };
  let skipped = 0;
  const listeners: AgentListener[] = [];
  for (const row of snap.data.listeners) {
    const p = ListenerSchema.safeParse(row);
    // A listener without a socket inode cannot be re-checked by a kill: not shown as killable.
    if (!p.success || p.data.socketId === null) {
      skipped += 1;
      continue;
    }
    const l = p.data;
    const o = l.owner;
    listeners.push({
      agentId: l.id,
      protocol: l.protocol,
      family: l.family,
      address: l.address,
      port: l.port,
      exposure: exposureOf(l.address),
      inode: l.socketId ?? '',
      socketUid: o.uid ?? -1,
      pids: o.pid === null ? [] : [o.pid],
      holder:
        o.kind === 'process' && /^\d{1,20}$/.test(o.startToken)
          ? {
              pid: o.pid,
              startTicks: o.startToken,
              uid: o.uid,
              user: o.user,
              name: o.name,
              command: o.command,
              cwd: o.cwd,
              startedAt: o.startedAt ?? null,
            }
          : null,
      health: l.health as Health,
    });
  }
  listeners.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.family - b.family);
  return { ok: true, listeners, viewerUid: snap.data.viewer?.uid ?? null, skipped };
}

/**
 * The agent kill request for a confirmed remote target, from the listing the user saw: the same
 * socket (port + inode) and the same holder uid, or null (then nothing is sent).
 */
export function agentKillRequest(
  listeners: readonly AgentListener[],
  t: RemoteKillTarget,
): { readonly request: KillRequest } | { readonly outcome: RemoteKillOutcome } {
  const l = listeners.find((x) => x.port === t.port && x.inode === t.inode);
  if (!l) return { outcome: { kind: 'no-longer-holds' } };
  if (l.holder && l.holder.uid !== t.uid)
    return { outcome: { kind: 'changed', detail: `uid is now ${l.holder.uid}, was ${t.uid}` } };
  return { request: { listenerId: l.agentId, pid: t.pid, startToken: t.startTicks, mode: 'graceful' } };
}

const KillAnswerSchema = z.union([
  z.object({
    ok: z.literal(true),
    value: z.object({
      outcome: z.enum([
        'freed',
        'still-running',
        'restarted',
        'replaced',
        'still-held',
        'already-gone',
        'permission-denied',
        'cancelled',
      ]),
      message: text(300),
    }),
  }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string().max(40), message: text(300) }) }),
]);

/**
 * The remote kill pipeline's answer (a `Result<KillReport>`) as the outcome every face shows.
 * Only `freed` and `still-listening` say a signal went out, as on the script path.
 */
export function agentKillOutcome(raw: unknown, pid: number): RemoteKillOutcome {
  const a = KillAnswerSchema.safeParse(raw);
  if (!a.success) return { kind: 'unreadable', detail: 'The remote agent sent an unreadable kill report.' };
  // The reports' sentences end with a period of their own (remoteKillReport): not twice.
  const bare = (m: string) => m.replace(/[.\s]+$/, '');
  if (a.data.ok) {
    const outcome = a.data.value.outcome;
    const message = bare(a.data.value.message);
    switch (outcome) {
      case 'freed':
        return { kind: 'freed', pid };
      case 'already-gone':
        return { kind: 'gone' };
      case 'permission-denied':
        return { kind: 'denied', detail: message };
      case 'cancelled':
        return { kind: 'unreadable', detail: message };
      default:
        return { kind: 'still-listening', pid, detail: `(${message})` };
    }
  }
  const code = a.data.error.code;
  const message = bare(a.data.error.message);
  switch (code) {
    case 'PROCESS_CHANGED':
      return { kind: 'changed', detail: message };
    case 'NO_LONGER_HOLDS':
    case 'NOT_IN_SNAPSHOT':
      return { kind: 'no-longer-holds' };
    case 'PROTECTED':
      return { kind: 'protected', detail: message };
    case 'EPERM':
      return { kind: 'denied', detail: message };
    case 'ESRCH':
      return { kind: 'gone' };
    default:
      return { kind: 'unreadable', detail: message };
  }
}
