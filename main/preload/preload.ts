/**
 * The sandboxed preload: exposes exactly `HarbormasterApi` as `window.harbormaster` and nothing
 * else (no `send`/`invoke`/`on`, docs/ARCHITECTURE.md#the-contract). Sandboxed preloads cannot require anything but a
 * few Electron modules (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts),
 * so this file is bundled into one CommonJS file (`vite.preload.config.ts`, `npm run build`) whose
 * only `require` is 'electron': the methods come from the contract's table through the same
 * `createApiClient` every other client uses, so a new method needs no edit here.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { HarbormasterApi } from '../../app/contract/api.js';
import { CHANNELS, createApiClient, EVENTS } from '../../app/contract/methods.js';
import type { Snapshot } from '../../app/model/snapshot.js';

const api = {
  // No-argument methods send none: the main side's schema wants it absent.
  ...createApiClient((method, arg) =>
    arg === undefined ? ipcRenderer.invoke(CHANNELS[method]) : ipcRenderer.invoke(CHANNELS[method], arg),
  ),
  onSnapshot(listener: (snapshot: Snapshot) => void) {
    // Wrap the callback: the page must never receive the IpcRendererEvent (security checklist #20).
    const handler = (_event: unknown, snapshot: Snapshot) => listener(snapshot);
    ipcRenderer.on(EVENTS.snapshot, handler);
    return () => {
      ipcRenderer.removeListener(EVENTS.snapshot, handler);
    };
  },
  onConnection(listener: (state: 'connecting' | 'open' | 'closed') => void) {
    // IPC to our own main process has no connection to lose.
    listener('open');
    return () => undefined;
  },
} satisfies HarbormasterApi;

contextBridge.exposeInMainWorld('harbormaster', api);
