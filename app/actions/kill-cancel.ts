import type { KillRequest } from '../contract/api.js';
import type { KillReport } from '../model/actions.js';
import { ok, type Result } from '../model/errors.js';

/**
 * Running kills by the caller's `killId`, so a Cancel in the window reaches the pipeline that is
 * waiting (issue 16 item 3): before, Cancel only closed the dialog while the core went on to send
 * SIGKILL when the grace period ran out. One registry per service; every face goes through it.
 */
export interface KillRegistry {
  /** Runs `kill` with an abort signal that `cancel(request.killId)` fires. */
  run(
    request: KillRequest,
    kill: (abort: AbortSignal) => Promise<Result<KillReport>>,
  ): Promise<Result<KillReport>>;
  /** Cancels the running kill with this id; `cancelled: false` when none is running. */
  cancel(killId: string): Result<{ readonly cancelled: boolean }>;
}

export function createKillRegistry(): KillRegistry {
  const running = new Map<string, AbortController>();
  return {
    async run(request, kill) {
      const controller = new AbortController();
      const id = request.killId;
      // A reused id cancels nothing of the earlier kill: the newer one is the one a Cancel means.
      if (id !== undefined) running.set(id, controller);
      try {
        return await kill(controller.signal);
      } finally {
        if (id !== undefined && running.get(id) === controller) running.delete(id);
      }
    },
    cancel(killId) {
      const controller = running.get(killId);
      if (controller === undefined) return ok({ cancelled: false });
      controller.abort();
      running.delete(killId);
      return ok({ cancelled: true });
    },
  };
}
