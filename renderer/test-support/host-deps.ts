import { err, ok } from '../../app/model/errors.js';
import type { RemoteHostView } from '../../app/model/remote-host.js';
import type { HostsDeps } from '../store/hosts-context.js';

/**
 * Hosts deps for component tests: `getHost` answers `view`, every other method answers nothing
 * useful unless the test overrides it.
 */
export function hostDeps(view: RemoteHostView, api: Partial<HostsDeps['api']> = {}): HostsDeps {
  return {
    page: null,
    refreshMs: 60_000,
    api: {
      listHosts: async () => ({ config: '', hosts: [], refused: [] }),
      getHost: async () => ok(view),
      collapseHost: async () => ok({ polling: false }),
      openRemote: async () => err('INTERNAL', 'unused'),
      listForwards: async () => [],
      closeForwards: async () => ok({ closed: 0 }),
      killRemote: async () => err('INTERNAL', 'unused'),
      beginTrust: async () => err('INTERNAL', 'unused'),
      answerTrust: async () => err('INTERNAL', 'unused'),
      ...api,
    },
  };
}
