import { utilityProcess, type UtilityProcess } from 'electron';
import type { CoreClient } from './core-client.js';
import type { FromCore, MessageEndpoint, ToCore } from './protocol.js';
import { nextRestart, type RestartState } from './restart-policy.js';

/** Glue: runs the core host in a utility process and restarts it with back-off when it dies. */
export interface CoreHostSupervisor {
  /** Disposes the core politely, then makes sure the process is gone. */
  stop(): Promise<void>;
}

/**
 * Starts the core host (`utilityProcess.fork`, https://www.electronjs.org/docs/latest/api/utility-process)
 * and wires it to the client. An unexpected exit fails in-flight actions honestly (see
 * `CoreClient.disconnect`) and schedules a restart per `nextRestart`.
 */
export function startCoreHost(options: {
  readonly entry: string;
  readonly client: CoreClient;
  readonly protectedPids: () => readonly number[];
  readonly log: (line: string) => void;
}): CoreHostSupervisor {
  let child: UtilityProcess | null = null;
  let stopping = false;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  let state: RestartState = { consecutiveCrashes: 0 };

  const spawn = () => {
    restartTimer = null;
    const startedAt = Date.now();
    const proc = utilityProcess.fork(options.entry, [], {
      serviceName: 'Harbormaster core',
      stdio: 'inherit',
    });
    child = proc;
    const endpoint: MessageEndpoint<ToCore, FromCore> = {
      post: (message) => proc.postMessage(message),
      onMessage(listener) {
        const handler = (message: unknown) => listener(message as FromCore);
        proc.on('message', handler);
        return () => void proc.off('message', handler);
      },
    };
    proc.once('spawn', () => options.client.connect(endpoint, options.protectedPids()));
    proc.once('exit', (code) => {
      child = null;
      options.client.disconnect(`exit code ${code}`);
      if (stopping) return;
      const next = nextRestart(state, { startedAt, exitedAt: Date.now() });
      state = next.state;
      options.log(`core host exited (code ${code}); restarting in ${next.delayMs} ms`);
      restartTimer = setTimeout(spawn, next.delayMs);
    });
  };
  spawn();

  return {
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      await options.client.dispose();
      child?.kill();
    },
  };
}
