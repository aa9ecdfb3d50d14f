import { afterEach, describe, expect, it } from 'vitest';
import type { HarbormasterApi } from '../../app/contract/api.js';
import { createFakeApi } from '../../app/testing/fake-api.js';
import { snapshot } from '../../app/testing/fixtures.js';
import { getApi, tokenFromHash, wsUrlFor } from './get-api.js';

afterEach(() => {
  delete (window as { harbormaster?: HarbormasterApi }).harbormaster;
});

describe('getApi', () => {
  it('uses the preload object when Electron exposed one', () => {
    const fake = createFakeApi({ snapshot: snapshot([]) });
    (window as { harbormaster?: HarbormasterApi }).harbormaster = fake;
    expect(getApi(window)).toEqual({ api: fake, transport: 'preload', problem: null });
  });

  it('reads a well-formed token from the fragment only', () => {
    const token = 'x'.repeat(40);
    expect(tokenFromHash(`#token=${token}`)).toBe(token);
    expect(tokenFromHash('#token=short')).toBeNull();
    expect(tokenFromHash('#token=' + 'a'.repeat(39) + '!')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });

  it('builds the WebSocket URL on the page origin', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:7300' })).toBe('ws://127.0.0.1:7300/ws');
    expect(wsUrlFor({ protocol: 'https:', host: '[::1]:7300' })).toBe('wss://[::1]:7300/ws');
  });

  it('without a token, never connects and says how to get one', async () => {
    const choice = getApi(window);
    expect(choice.transport).toBe('websocket');
    expect(choice.problem).toMatch(/no access token/);
    await expect(choice.api.getSnapshot()).rejects.toThrow();
  });
});
