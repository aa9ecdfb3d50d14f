import { connect } from 'node:net';
import { probeListener } from '../../health/probe.js';
import type { Health } from '../../model/health.js';
import { DEFAULT_SETTINGS, type Settings } from '../../model/settings.js';
import { err, ok } from '../../model/errors.js';
import type { HarbormasterService } from '../../service/types.js';
import { killListenerOwner, type KillDeps } from '../kill.js';
import { createKillRegistry } from '../kill-cancel.js';
import { lookupPort } from '../lookup.js';
import { openListener, type Opener } from '../open.js';
import { urlHost } from '../url.js';
import { createCoreSource } from './core-source.js';
import { APP_VERSION, CONTRACT_VERSION } from '../../contract/methods.js';
import { portHistoryForService, whyForService } from '../../why/service-methods.js';

/** Options for {@link createTestService}: any kill dependency can be replaced (e.g. a spy signal). */
export type TestServiceOptions = Partial<Omit<KillDeps, 'source'>> & {
  readonly opener?: Opener;
  /** Environment for the default opener (e.g. HARBORMASTER_OPENER). */
  readonly env?: NodeJS.ProcessEnv;
};

/**
 * A real, service-shaped object built from this folder's functions over the real core (see
 * createCoreSource), whose kill dependencies tests can replace (e.g. a spy signal), which
 * createHarbormasterService does not allow.
 * checkHealth here is a plain TCP connect to the bound address (the health module owns the real
 * probes).
 */
export function createTestService(options: TestServiceOptions = {}): HarbormasterService & {
  readonly killCalls: () => number;
} {
  const healthById = new Map<string, Health>();
  const source = createCoreSource((id) => healthById.get(id));
  let settings: Settings = DEFAULT_SETTINGS;
  let killCalls = 0;
  const kills = createKillRegistry();
  const getSnapshot = async () => source.latest() ?? (await source.refresh());
  return {
    getSnapshot,
    onSnapshot: () => () => {},
    onConnection: () => () => {},
    getVersion: async () => ({ app: APP_VERSION, contract: CONTRACT_VERSION }),
    listHosts: async () => ({ config: '', hosts: [], refused: [] }),
    getHost: async () => err('UNSUPPORTED', 'No ssh hosts in this test service.'),
    collapseHost: async () => err('UNSUPPORTED', 'No ssh hosts in this test service.'),
    openRemote: async () => err('UNSUPPORTED', 'No ssh hosts in this test service.'),
    killRemote: async () => err('UNSUPPORTED', 'No ssh hosts in this test service.'),
    listForwards: async () => [],
    closeForwards: async () => ok({ closed: 0 }),
    beginTrust: async () => err('UNSUPPORTED', 'No ssh hosts in this test service.'),
    answerTrust: async () => err('UNSUPPORTED', 'No ssh hosts in this test service.'),
    lookup: (request) => lookupPort(request.port, { source }),
    // The real engine on this double's scans; history off, so tests never read the user's.
    why: (request) => whyForService(request, { source, env: { HARBORMASTER_HISTORY: 'off' } }),
    portHistory: async (request) => portHistoryForService(request, { HARBORMASTER_HISTORY: 'off' }),
    containerAction: async () => err('UNSUPPORTED', 'No container engine in the test service.'),
    async checkHealth(request) {
      const snapshot = await getSnapshot();
      const listener = snapshot.listeners.find((l) => l.id === request.listenerId);
      if (!listener) return err('NOT_IN_SNAPSHOT', 'That listener is no longer listed.');
      if (listener.protocol !== 'tcp') return ok<Health>({ state: 'unknown', reason: 'UDP is not probed' });
      const host = (urlHost(listener.family, listener.address) ?? '127.0.0.1').replace(/^\[|\]$/g, '');
      const started = performance.now();
      const health = await new Promise<Health>((resolve) => {
        const socket = connect({ host, port: listener.port });
        const done = (h: Health): void => {
          socket.destroy();
          resolve(h);
        };
        socket.setTimeout(2000, () =>
          done({ state: 'timeout', checkedAt: Date.now(), latencyMs: performance.now() - started }),
        );
        socket.once('connect', () =>
          done({ state: 'up', kind: 'tcp', checkedAt: Date.now(), latencyMs: performance.now() - started }),
        );
        socket.once('error', (e: NodeJS.ErrnoException) =>
          done(
            e.code === 'ECONNREFUSED'
              ? { state: 'refused', checkedAt: Date.now(), latencyMs: performance.now() - started }
              : { state: 'error', checkedAt: Date.now(), code: e.code ?? 'ERROR', message: e.message },
          ),
        );
      });
      healthById.set(listener.id, health);
      // Fold the result into the snapshot (and its URL), as the real service does.
      source.rebuild();
      return ok(health);
    },
    kill(request) {
      killCalls += 1;
      const { opener: _opener, env: _env, ...killOptions } = options;
      return kills.run(request, (abort) =>
        killListenerOwner(request, {
          readIdentity: source.readIdentity,
          readParent: source.readParent,
          ...killOptions,
          source,
          abort,
        }),
      );
    },
    async cancelKill(request) {
      return kills.cancel(request.killId);
    },
    open(request) {
      return openListener(
        request.listenerId,
        {
          source,
          // `open` probes an unprobed listener on request with the real probe, as the service does.
          probe: async (listener) => {
            const health = await probeListener(listener, { onRequest: true });
            healthById.set(listener.id, health);
            source.rebuild();
            return health;
          },
          ...(options.opener ? { opener: options.opener } : {}),
          ...(options.env ? { env: options.env } : {}),
        },
        { anyway: request.anyway === true },
      );
    },
    setPaused: async (request) => ok({ paused: request.paused }),
    getSettings: async () => settings,
    updateSettings: async (patch) => {
      settings = { ...settings, ...patch };
      return ok(settings);
    },
    setInterest: () => {},
    dispose: async () => {},
    killCalls: () => killCalls,
  };
}
