import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHarbormasterService } from '../service/create-service.js';
import { dispatch } from './dispatch.js';
import { APP_VERSION, CHANNELS, CONTRACT_VERSION, createApiClient, type CallFn } from './methods.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('getVersion, a method added only to the contract and the service', () => {
  it('answers the package.json version and the contract version', () => {
    expect(APP_VERSION).toBe(pkg.version);
    expect(CONTRACT_VERSION).toBe(1);
  });

  it('travels through the generic client and dispatcher with nothing else written for it', async () => {
    const service = await createHarbormasterService({ startPolling: false, autoProbe: false });
    try {
      const sent: string[] = [];
      const call: CallFn = async (method, arg) => {
        sent.push(CHANNELS[method]);
        const outcome = await dispatch(service, method, arg);
        if (outcome.kind === 'error') throw new Error(outcome.error.message);
        return outcome.result as never;
      };
      expect(await createApiClient(call).getVersion()).toEqual({ app: pkg.version, contract: 1 });
      expect(sent).toEqual(['app:version']);
      // Validated once at the edge like every method: an argument where none is taken is refused.
      expect(await dispatch(service, 'getVersion', { sneaky: true })).toMatchObject({
        kind: 'error',
        error: { code: 'INVALID_REQUEST' },
      });
    } finally {
      await service.dispose();
    }
  });
});
