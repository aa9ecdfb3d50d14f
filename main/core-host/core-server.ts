import { dispatch } from '../../app/contract/dispatch.js';
import type { InvokeMethod } from '../../app/contract/methods.js';
import { hmError, type HmError, type Result } from '../../app/model/errors.js';
import type { ServiceOptions } from '../../app/service/create-service.js';
import type { HarbormasterService } from '../../app/service/types.js';
import { parseToCore, type FromCore, type MessageEndpoint, type ToCore } from './protocol.js';

/** Creates the core service (the real `createHarbormasterService`, injected for testability). */
export type ServiceFactory = (options: ServiceOptions) => Promise<HarbormasterService>;

/** How long the core waits for main to open a URL before reporting failure. */
export const OPEN_TIMEOUT_MS = 10_000;

/**
 * Serves one core service over a message endpoint: waits for `init`, creates the service with the
 * settings main loaded, forwards snapshots and settings changes to main, answers calls, and asks
 * main to open URLs (main owns `shell.openExternal` and re-verifies them). Runs in the core host
 * process; Electron-free, so it is tested over a real Node MessageChannel with the real core.
 * Resolves when the service has been disposed.
 */
export function serveCore(
  endpoint: MessageEndpoint<FromCore, ToCore>,
  createService: ServiceFactory,
): Promise<void> {
  let service: HarbormasterService | null = null;
  let starting = false;
  let protectedPids: readonly number[] = [];
  let nextOpenId = 0;
  const opens = new Map<number, (error: HmError | null) => void>();
  const unsubscribers: (() => void)[] = [];
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const opener = (url: string): Promise<Result<void>> =>
    new Promise((resolve) => {
      const id = nextOpenId++;
      const timer = setTimeout(() => {
        opens.delete(id);
        resolve({
          ok: false,
          error: hmError('TIMEOUT', 'The browser could not be asked to open the URL in time.'),
        });
      }, OPEN_TIMEOUT_MS);
      opens.set(id, (error) => {
        clearTimeout(timer);
        resolve(error ? { ok: false, error } : { ok: true, value: undefined });
      });
      endpoint.post({ type: 'open-url', id, url });
    });

  const call = async (id: number, method: InvokeMethod, arg: unknown): Promise<void> => {
    if (!service) {
      endpoint.post({ type: 'call-failed', id, error: hmError('INTERNAL', 'The core is still starting.') });
      return;
    }
    // The core host is a process edge: validate here, once (the service takes typed requests).
    const outcome = await dispatch(service, method, arg);
    endpoint.post(
      outcome.kind === 'result'
        ? { type: 'result', id, value: outcome.result }
        : { type: 'call-failed', id, error: outcome.error },
    );
  };

  const off = endpoint.onMessage((raw) => {
    const message = parseToCore(raw);
    if (!message) return;
    switch (message.type) {
      case 'init':
        if (service || starting) return;
        starting = true;
        protectedPids = message.protectedPids;
        void createService({
          settings: message.settings,
          persistSettings: (settings) => endpoint.post({ type: 'settings', settings }),
          opener,
          protectedPids: () => protectedPids,
        }).then(
          (created) => {
            service = created;
            unsubscribers.push(
              created.onSnapshot((snapshot) => endpoint.post({ type: 'snapshot', snapshot })),
            );
            endpoint.post({ type: 'ready' });
          },
          (e: unknown) => {
            starting = false;
            endpoint.post({
              type: 'init-failed',
              error: hmError(
                'INTERNAL',
                `The core could not start: ${e instanceof Error ? e.message.slice(0, 200) : 'error'}.`,
              ),
            });
          },
        );
        return;
      case 'call':
        void call(message.id, message.method, message.arg);
        return;
      case 'interest':
        service?.setInterest(message.interest);
        return;
      case 'protect':
        protectedPids = message.pids;
        return;
      case 'opened':
        opens.get(message.id)?.(message.error);
        opens.delete(message.id);
        return;
      case 'dispose':
        void (async () => {
          for (const u of unsubscribers) u();
          await service?.dispose();
          service = null;
          off();
          endpoint.post({ type: 'disposed' });
          finish();
        })();
        return;
    }
  });
  return done;
}
