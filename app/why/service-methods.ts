import type { PortHistoryRequest, WhyRequest } from '../contract/api.js';
import { portEventsFromStore } from '../history/port-read.js';
import { defaultHistoryDir, openHistoryStore } from '../history/store.js';
import type { ContainerInfo } from '../model/container.js';
import { HISTORY_OFF_NOTE, type Diagnosis, type PortHistory } from '../model/diagnosis.js';
import { ok, type Result } from '../model/errors.js';
import type { SnapshotSource } from '../watch/types.js';
import { diagnose } from './diagnose.js';
import { sanitizeText } from '../health/text.js';
import { parseWhyTarget } from './target.js';

/**
 * The contract's `why` and `portHistory`, as the service runs them: the same engine as the CLI's
 * `harbormaster why`, on the service's own scans. Kept here so create-service.ts only wires them.
 */

/** The history folder to read, or null when history is off (`HARBORMASTER_HISTORY=off`). */
export function historyDirFor(env: NodeJS.ProcessEnv): string | null {
  return env.HARBORMASTER_HISTORY === 'off' ? null : defaultHistoryDir(env);
}

/** `why`: parses the target strictly (this machine only, the shared port rules) and diagnoses it. */
export async function whyForService(
  request: WhyRequest,
  deps: {
    source: SnapshotSource;
    env: NodeJS.ProcessEnv;
    readStoppedContainers?: (() => Promise<readonly ContainerInfo[]>) | undefined;
  },
): Promise<Result<Diagnosis>> {
  const target = parseWhyTarget(request.target.trim());
  if (!target.ok) return target;
  return ok(
    await diagnose(target.value, {
      source: deps.source,
      historyDir: historyDirFor(deps.env),
      ...(deps.readStoppedContainers ? { readStoppedContainers: deps.readStoppedContainers } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    }),
  );
}

/** `portHistory`: one port's remembered changes, newest first. */
export function portHistoryForService(
  request: PortHistoryRequest,
  env: NodeJS.ProcessEnv,
): Result<PortHistory> {
  const limit = request.limit ?? 50;
  const dir = historyDirFor(env);
  const empty = { port: request.port, events: [], total: 0, coversFrom: null };
  if (dir === null) return ok({ ...empty, note: HISTORY_OFF_NOTE });
  try {
    const h = portEventsFromStore(openHistoryStore({ dir }), request.port, limit);
    return ok({ port: request.port, events: h.events, total: h.total, coversFrom: h.coversFrom, note: null });
  } catch (e) {
    const why = sanitizeText(e instanceof Error ? e.message : String(e), 200);
    return ok({ ...empty, note: `The port history could not be read: ${why}` });
  }
}
