// TEST-ONLY entry (renderer/bench/index.html): the real App against an in-page fake API, used by
// `npm run bench:ui` for timings and screenshots. It is never part of the production build, whose
// only input is renderer/index.html.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DEFAULT_SETTINGS, type Settings } from '../../app/model/settings.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { App } from '../components/App.js';
import { createAppStore } from '../store/app-store.js';
import { connectApi, viewOf } from '../store/connect-api.js';
import { StoreContext } from '../store/store-context.js';
import { createFakeApi } from '../../app/testing/fake-api.js';
import { killReport, snapshot, syntheticListeners } from '../../app/testing/fixtures.js';
import { demoSnapshot } from './demo-data.js';
import '../styles/app.css';

const params = new URLSearchParams(location.search);
const now = Date.now();
const demo = params.has('demo');
const n = Number.parseInt(params.get('n') ?? '5000', 10);
const baseline = params.get('baseline') === '1';
const theme = params.get('theme');
const settings: Settings = {
  ...DEFAULT_SETTINGS,
  showSystem: demo,
  showOtherUsers: true,
  theme: theme === 'light' || theme === 'dark' ? theme : 'system',
  watchedPorts: demo ? [3000] : [],
};
let current: Snapshot = demo
  ? demoSnapshot(now)
  : snapshot(syntheticListeners(n, now), { seq: 1, takenAt: now });
const api = createFakeApi({
  snapshot: current,
  settings,
  lookup: (port) => ({ ok: true, value: { port, holders: [], free: true, bindTests: [], nextFree: port } }),
  kill: (req) => ({
    ok: true,
    value: killReport({
      pid: req.pid,
      elapsedMs: 412,
      message: 'The process exited and nothing listens on the port any more.',
    }),
  }),
});
const store = createAppStore(now);
connectApi(store, api, { now: () => now });

// Timing helpers the bench script calls through page.evaluate.
const afterPaint = (): Promise<number> =>
  new Promise((resolve) =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve(performance.now());
      ch.port2.postMessage(0);
    }),
  );
let armed: Promise<{ ms: number; consistent: boolean }> | null = null;
const bench = {
  store,
  ready: () => store.getState().phase === 'ready',
  /** Resolves with keydown→next-paint for the next key press (filter updates are synchronous). */
  armKeystroke() {
    armed = new Promise((resolve) => {
      window.addEventListener(
        'keydown',
        (e) => {
          const t0 = e.timeStamp;
          void afterPaint().then((t1) => {
            const box = document.querySelector('[role="listbox"]');
            const shown = Number(box?.getAttribute('data-row-count') ?? -1);
            resolve({ ms: t1 - t0, consistent: shown === viewOf(store.getState()).rowIds.length });
          });
        },
        { capture: true, once: true },
      );
    });
  },
  keystrokeResult: () => armed,
  /** Pushes a new snapshot (all-new objects, as IPC delivers them) changing one listener's health. */
  async pushChange(index: number): Promise<{ ms: number; rowsTouched: number }> {
    const listeners = structuredClone(
      current.listeners,
    ) as Snapshot['listeners'] as unknown as Snapshot['listeners'][number][];
    const target = listeners[index];
    if (!target) throw new Error('no such row');
    listeners[index] = {
      ...target,
      health: {
        state: 'up',
        kind: 'http',
        status: 200,
        title: `push ${current.seq}`,
        latencyMs: current.seq % 50,
        checkedAt: Date.now(),
      },
    };
    const next: Snapshot = { ...current, seq: current.seq + 1, takenAt: Date.now(), listeners };
    current = next;
    const touched = new Set<Element>();
    const mo = new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target instanceof Element ? r.target : r.target.parentElement;
        const row = el?.closest('[data-listener-id]');
        if (row) touched.add(row);
      }
    });
    mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    const t0 = performance.now();
    api.push(next);
    const t1 = await afterPaint();
    mo.disconnect();
    return { ms: t1 - t0, rowsTouched: touched.size };
  },
  visibleRowIndex(): number {
    const first = document.querySelector('[role="option"]');
    const id = first?.getAttribute('data-listener-id');
    return current.listeners.findIndex((l) => l.id === id);
  },
};
(window as unknown as { __bench: typeof bench }).__bench = bench;

const rootElement = document.getElementById('root');
if (rootElement) {
  createRoot(rootElement).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App virtualized={!baseline} />
      </StoreContext.Provider>
    </StrictMode>,
  );
}
