import type { KillReport } from '../../model/actions.js';
import { err, ok, type Result } from '../../model/errors.js';
import type { Listener } from '../../model/listener.js';
import { createFakeService, type FakeService } from '../../testing/fake-api.js';
import { killReport, listener, processOwner, snapshot } from '../../testing/fixtures.js';

/**
 * The one fake (app/testing/fake-api.ts) set up for the transport tests of `app/serve`: it records
 * every call that reaches it and, for `kill`, really signals the pid when it is in its snapshot, so
 * the security tests can prove that a rejected request never reaches the core (a live process
 * survives) while an accepted one does. The e2e specs use the real core instead.
 */
export type RecordingService = FakeService;

/** A TCP listener on 127.0.0.1 owned by `pid`, built with the one fixture builder (app/testing). */
export function fakeListener(port: number, pid: number, name = 'node'): Listener {
  return listener({
    port,
    url: `http://127.0.0.1:${port}/`,
    owner: processOwner({ pid, startToken: `start-${pid}`, name, command: name }),
  });
}

/** Creates a {@link RecordingService} serving the given listeners. */
export function createRecordingService(initial: readonly Listener[] = []): RecordingService {
  return createFakeService({
    snapshot: snapshot(initial, { seq: 1, durationMs: 1 }),
    lookup: (port, current) => {
      const holders = (current?.listeners ?? []).filter((l) => l.port === port);
      return ok({ port, holders, free: holders.length === 0, bindTests: [], nextFree: null });
    },
    checkHealth: () => ok({ state: 'unknown' }),
    open: (listenerId) => ok({ url: `http://127.0.0.1/${listenerId}` }),
    kill: (request, current): Result<KillReport> => {
      const target = current?.listeners.find((l) => l.id === request.listenerId);
      if (!target || target.owner.kind !== 'process' || target.owner.pid !== request.pid) {
        return err('NOT_IN_SNAPSHOT', 'That process is no longer listed.');
      }
      if (target.owner.startToken !== request.startToken) {
        return err('PROCESS_CHANGED', 'That pid now belongs to another process.');
      }
      process.kill(request.pid, 'SIGTERM');
      return ok(
        killReport({
          pid: request.pid,
          port: target.port,
          protocol: target.protocol,
          elapsedMs: 0,
          message: 'Freed.',
        }),
      );
    },
  });
}
