/**
 * The sandboxed preload: exposes exactly `HarbormasterApi` as `window.harbormaster` and nothing
 * else (no `send`/`invoke`/`on`, STYLE.md #2). Sandboxed preloads cannot require anything but a
 * few Electron modules (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts),
 * so this is one CommonJS file: contract types come in as `import type` (erased) and the channel
 * names are inlined, with `satisfies typeof CHANNELS` making the compiler reject any drift.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload: `require('electron')` is its only import
import electron = require('electron');
import type { CHANNELS, EVENTS, HarbormasterApi } from '../../app/contract/api.js';
import type { Snapshot } from '../../app/model/snapshot.js';

const { contextBridge, ipcRenderer } = electron;

/** Invoke channels, checked against the contract's `CHANNELS` (every key, exact strings). */
const CH = {
  getSnapshot: 'snapshot:get',
  lookup: 'port:lookup',
  checkHealth: 'health:check',
  kill: 'process:kill',
  open: 'listener:open',
  setPaused: 'poller:set-paused',
  getSettings: 'settings:get',
  updateSettings: 'settings:update',
} as const satisfies typeof CHANNELS;

/** Push channels, checked against the contract's `EVENTS`. */
const EV = { snapshot: 'snapshot:changed' } as const satisfies typeof EVENTS;

const api = {
  getSnapshot: () => ipcRenderer.invoke(CH.getSnapshot),
  onSnapshot(listener: (snapshot: Snapshot) => void) {
    // Wrap the callback: the page must never receive the IpcRendererEvent (security checklist #20).
    const handler = (_event: unknown, snapshot: Snapshot) => listener(snapshot);
    ipcRenderer.on(EV.snapshot, handler);
    return () => {
      ipcRenderer.removeListener(EV.snapshot, handler);
    };
  },
  onConnection(listener: (state: 'connecting' | 'open' | 'closed') => void) {
    // IPC to our own main process has no connection to lose.
    listener('open');
    return () => undefined;
  },
  lookup: (request) => ipcRenderer.invoke(CH.lookup, request),
  checkHealth: (request) => ipcRenderer.invoke(CH.checkHealth, request),
  kill: (request) => ipcRenderer.invoke(CH.kill, request),
  open: (request) => ipcRenderer.invoke(CH.open, request),
  setPaused: (request) => ipcRenderer.invoke(CH.setPaused, request),
  getSettings: () => ipcRenderer.invoke(CH.getSettings),
  updateSettings: (patch) => ipcRenderer.invoke(CH.updateSettings, patch),
} satisfies HarbormasterApi;

contextBridge.exposeInMainWorld('harbormaster', api);
