import { afterEach, describe, expect, it, vi } from 'vitest';
import { err } from '../../app/model/errors.js';
import { createFakeApi } from '../../app/testing/fake-api.js';
import {
  httpUp,
  killReport,
  listener,
  processOwner,
  snapshot,
  syntheticListeners,
  unknownOwner,
} from '../../app/testing/fixtures.js';
import { rowPropsEqual, type ListRowProps } from '../components/ListRow.js';
import { createAppStore, TRANSIENT_MS } from './app-store.js';
import { connectApi } from './connect-api.js';

const flush = () => new Promise((r) => setTimeout(r, 0));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  vi.useRealTimers();
});

function setup(first = snapshot([listener({ port: 3000 })], { seq: 5 })) {
  const api = createFakeApi({ snapshot: first });
  const store = createAppStore();
  cleanups.push(connectApi(store, api, { lookupDelayMs: 0 }));
  return { api, store };
}

describe('connectApi', () => {
  it('fetches the snapshot once, then applies newer pushes', async () => {
    const { api, store } = setup();
    expect(store.getState().phase).toBe('loading');
    await flush();
    expect(store.getState().phase).toBe('ready');
    expect(store.getState().listeners.map((l) => l.port)).toEqual([3000]);
    api.push(snapshot([listener({ port: 3000 }), listener({ port: 4000 })], { seq: 6 }));
    expect(store.getState().listeners.map((l) => l.port)).toEqual([3000, 4000]);
    expect(api.calls.filter((c) => c.method === 'getSnapshot')).toHaveLength(1);
  });

  it('ignores a push older than (or equal to) the snapshot shown', async () => {
    const { api, store } = setup();
    await flush();
    api.push(snapshot([listener({ port: 4000 })], { seq: 4 }));
    api.push(snapshot([listener({ port: 4001 })], { seq: 5 }));
    expect(store.getState().listeners.map((l) => l.port)).toEqual([3000]);
    expect(store.getState().snapshot?.seq).toBe(5);
  });

  it('keeps the previous object for every unchanged listener so only changed rows re-render', async () => {
    const ls = syntheticListeners(200, 1_000);
    const { api, store } = setup(snapshot(ls, { seq: 1 }));
    await flush();
    const before = store.getState().listeners;
    // A push is a new object graph (IPC/WebSocket deserialise), with one health change.
    const next = structuredClone(ls);
    next[7] = { ...next[7]!, health: httpUp({ checkedAt: 2_000, title: 'changed' }) };
    api.push(snapshot(next, { seq: 2 }));
    const after = store.getState().listeners;
    const changed = after.filter((l, i) => l !== before[i]).map((l) => l.id);
    expect(changed).toEqual([ls[7]!.id]);

    // …and a row given the same props skips rendering, a row with a new listener does not.
    const props = (l: (typeof after)[number]): ListRowProps => ({
      listener: l,
      domId: 'x',
      index: 0,
      top: 0,
      selected: false,
      isNew: false,
      gone: false,
      watched: false,
      viewer: null,
      now: 0,
      onPick: store.getState().actions.select,
      onActivate: store.getState().actions.open,
    });
    expect(rowPropsEqual(props(before[6]!), props(after[6]!))).toBe(true);
    expect(rowPropsEqual(props(before[7]!), props(after[7]!))).toBe(false);
  });

  it('keeps a short health history per listener', async () => {
    const { api, store } = setup(
      snapshot([listener({ port: 3000, health: httpUp({ checkedAt: 1 }) })], { seq: 1 }),
    );
    await flush();
    api.push(
      snapshot([listener({ port: 3000, health: { state: 'refused', checkedAt: 2, latencyMs: 1 } })], {
        seq: 2,
      }),
    );
    api.push(snapshot([listener({ port: 3000, health: { state: 'checking', since: 3 } })], { seq: 3 }));
    const history = store.getState().healthHistory.get(listener({ port: 3000 }).id) ?? [];
    expect(history.map((h) => h.state)).toEqual(['up', 'refused']);
  });

  it('highlights new rows and keeps vanished rows greyed for a moment', async () => {
    const { api, store } = setup(snapshot([listener({ port: 3000 })], { seq: 1 }));
    await flush();
    vi.useFakeTimers();
    api.push(snapshot([listener({ port: 4000 })], { seq: 2 }));
    const s = store.getState();
    expect([...s.fresh.keys()]).toEqual([listener({ port: 4000 }).id]);
    expect([...s.ghosts.keys()]).toEqual([listener({ port: 3000 }).id]);
    vi.advanceTimersByTime(TRANSIENT_MS + 100);
    expect(store.getState().fresh.size).toBe(0);
    expect(store.getState().ghosts.size).toBe(0);
  });

  it('shows the connection state and refetches after a reconnect (pushes sent meanwhile were lost)', async () => {
    const { api, store } = setup(snapshot([listener({ port: 3000 })], { seq: 50 }));
    await flush();
    api.setConnection('closed');
    expect(store.getState().connection).toBe('closed');
    expect(store.getState().listeners).toHaveLength(1);
    api.setCurrent(snapshot([listener({ port: 9000 })], { seq: 51 }));
    api.setConnection('open');
    await flush();
    expect(store.getState().listeners.map((l) => l.port)).toEqual([9000]);
  });

  it('never goes back to an older snapshot: seq only grows (main hides core restarts)', async () => {
    const { api, store } = setup(snapshot([listener({ port: 3000 })], { seq: 50 }));
    await flush();
    api.push(snapshot([listener({ port: 9000 })], { seq: 1 }));
    api.setConnection('closed');
    api.setConnection('open');
    await flush();
    expect(store.getState().snapshot?.seq).toBe(50);
    expect(store.getState().listeners.map((l) => l.port)).toEqual([3000]);
  });

  it('reports a failed first load instead of an empty list', async () => {
    const api = createFakeApi({ snapshot: new Error('scan backend crashed') });
    const store = createAppStore();
    cleanups.push(connectApi(store, api));
    await flush();
    expect(store.getState().phase).toBe('error');
    expect(store.getState().loadError).toMatch(/scan backend crashed/);
  });

  it('sends kill with the pid and start token the user saw', async () => {
    const owner = processOwner({ pid: 777, startToken: 'tok-777' });
    const l = listener({ port: 3000, owner });
    const api = createFakeApi({
      snapshot: snapshot([l]),
      kill: (req) => ({ ok: true, value: killReport({ pid: req.pid, port: 3000, message: 'freed' }) }),
    });
    const store = createAppStore();
    cleanups.push(connectApi(store, api));
    await flush();
    store.getState().actions.requestKill(l.id);
    store.getState().actions.confirmKill('graceful');
    await flush();
    expect(api.calls.find((c) => c.method === 'kill')?.params).toEqual({
      listenerId: l.id,
      pid: 777,
      startToken: 'tok-777',
      mode: 'graceful',
      // The id a Cancel names to the core (cancelKill).
      killId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    });
    const flow = store.getState().kill;
    expect(flow?.phase === 'result' && flow.report?.outcome).toBe('freed');
  });

  it('toggles a watched port through settings', async () => {
    const { api, store } = setup();
    await flush();
    store.getState().actions.toggleWatch(3000);
    await flush();
    expect(store.getState().settings.watchedPorts).toEqual([3000]);
    store.getState().actions.toggleWatch(3000);
    await flush();
    expect(store.getState().settings.watchedPorts).toEqual([]);
    expect(api.calls.filter((c) => c.method === 'updateSettings').map((c) => c.params)).toEqual([
      { watchedPorts: [3000] },
      { watchedPorts: [] },
    ]);
  });

  it('saves the Hosts section\u2019s hosts through settings and hands back a refusal as clean text', async () => {
    const { api, store } = setup();
    await flush();
    await expect(store.getState().actions.saveHosts(['dev@box'], ['dev@box'])).resolves.toBeNull();
    expect(api.calls.filter((c) => c.method === 'updateSettings').map((c) => c.params)).toEqual([
      { hosts: ['dev@box'], pinnedHosts: ['dev@box'] },
    ]);
    api.updateSettings = () => Promise.resolve(err('INVALID_REQUEST', 'bad host \x1b[31mred'));
    const refusal = await store.getState().actions.saveHosts(['-oProxyCommand=x'], []);
    expect(refusal).toContain('bad host');
    expect(refusal).not.toContain('\x1b');
  });
});

describe('open refused as not HTTP (issue 9, item 5)', () => {
  it('says what the service answered and offers "Open anyway", which asks the core with anyway', async () => {
    const api = createFakeApi({
      snapshot: snapshot([listener({ port: 11300 })], { seq: 1 }),
      open: (_id, anyway) =>
        anyway
          ? { ok: true, value: { url: 'http://127.0.0.1:11300/' } }
          : {
              ok: false,
              error: {
                code: 'NOT_HTTP',
                message: 'Not opened: TCP 127.0.0.1:11300 does not speak HTTP. It said nothing.',
              },
            },
    });
    const store = createAppStore();
    cleanups.push(connectApi(store, api, { lookupDelayMs: 0 }));
    await flush();
    const id = store.getState().listeners[0]!.id;
    store.getState().actions.open(id);
    await flush();
    const refused = store.getState().toast;
    expect(refused?.text).toContain('does not speak HTTP');
    expect(refused?.action?.label).toBe('Open anyway');
    refused?.action?.run();
    await flush();
    expect(api.calls.filter((c) => c.method === 'open').map((c) => c.params)).toEqual([
      { listenerId: id },
      { listenerId: id, anyway: true },
    ]);
    expect(store.getState().toast?.text).toBe('Opened http://127.0.0.1:11300/');
    expect(store.getState().toast?.action).toBeUndefined();
  });

  it('offers the core\u2019s admin kill command for an owner it cannot see, per platform, and signals nothing', async () => {
    const hidden = listener({ port: 22, owner: unknownOwner({ pid: 812 }), url: null });
    const { store, api } = setup(snapshot([hidden], { seq: 1 }));
    await flush();
    store.getState().actions.requestKill(hidden.id);
    const flow = store.getState().kill;
    expect(flow?.phase === 'elevate' && flow.command).toBe('sudo kill -TERM 812');
    // Nothing to confirm: the window never asks the core to signal an owner it cannot see.
    store.getState().actions.confirmKill('force');
    expect(store.getState().kill?.phase).toBe('elevate');
    expect(api.calls.some((c) => c.method === 'kill')).toBe(false);

    const { store: win } = setup(snapshot([hidden], { seq: 1, source: 'windows-netstat' }));
    await flush();
    win.getState().actions.requestKill(hidden.id);
    const winFlow = win.getState().kill;
    expect(winFlow?.phase === 'elevate' && winFlow.command).toBe('taskkill /PID 812');
  });
});
