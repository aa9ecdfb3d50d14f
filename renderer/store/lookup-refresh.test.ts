import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from '../../app/testing/fake-api.js';
import { listener, processOwner, snapshot } from '../../app/testing/fixtures.js';
import { waitUntil } from '../../app/testing/wait.js';
import { createAppStore, isPaused } from './app-store.js';
import { connectApi } from './connect-api.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('free-port lookup', () => {
  it('still answers when a snapshot push lands during the typing debounce', async () => {
    const api = createFakeApi({ snapshot: snapshot([listener({ port: 3000 })], { seq: 1 }) });
    const store = createAppStore();
    const disconnect = connectApi(store, api, { lookupDelayMs: 30 });
    cleanups.push(disconnect);
    expect(await waitUntil(() => store.getState().snapshot !== null)).toBe(true);
    // connectApi returns a disconnect function; the store actions are reached through the store.
    store.getState().actions.setQuery(':3999');
    expect(store.getState().lookup).toMatchObject({ status: 'loading', port: 3999 });
    api.push(snapshot([listener({ port: 3000 })], { seq: 2 })); // a poll arrives mid-debounce
    expect(await waitUntil(() => store.getState().lookup.status === 'done')).toBe(true);
    expect(api.calls.filter((c) => c.method === 'lookup')).toHaveLength(1);
    expect(store.getState().lookup).toMatchObject({ status: 'done', port: 3999 });
  });
});

describe('whose processes are "mine"', () => {
  it('takes the user the core runs as from the snapshot, so root processes are mine when it runs as root', async () => {
    const root = listener({ port: 3000, owner: processOwner({ user: 'root', uid: 0 }) });
    const api = createFakeApi({
      snapshot: { ...snapshot([root], { seq: 1 }), viewer: { uid: 0, user: 'root' } },
    });
    const store = createAppStore();
    cleanups.push(connectApi(store, api, { lookupDelayMs: 0 }));
    expect(await waitUntil(() => store.getState().snapshot !== null)).toBe(true);
    expect(store.getState().currentUser).toBe('root');
  });
});

describe('pause state from the core', () => {
  it('shows a pause made elsewhere (the tray) and its end', async () => {
    const api = createFakeApi({ snapshot: snapshot([listener({ port: 3000 })], { seq: 1 }) });
    const store = createAppStore();
    cleanups.push(connectApi(store, api, { lookupDelayMs: 0 }));
    expect(await waitUntil(() => store.getState().snapshot !== null)).toBe(true);
    expect(isPaused(store.getState())).toBe(false);
    api.push({ ...snapshot([listener({ port: 3000 })], { seq: 2 }), paused: true });
    expect(isPaused(store.getState())).toBe(true);
    api.push({ ...snapshot([listener({ port: 3000 })], { seq: 3 }), paused: false });
    expect(isPaused(store.getState())).toBe(false);
  });
});
