import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNELS, EVENTS, type HarbormasterApi, type InvokeMethod } from '../../app/contract/api.js';
import type { RequestTypes } from '../../app/contract/schemas.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { validateIpcCall } from './validate-ipc.js';

/** The request/response half of the contract: what the IPC handlers call. */
export type InvokeApi = Pick<HarbormasterApi, InvokeMethod>;

/** Calls one contract method with its parsed argument; the mapped type makes the compiler check every method. */
const CALLS: {
  readonly [M in InvokeMethod]: (api: InvokeApi, request: RequestTypes[M]) => Promise<unknown>;
} = {
  getSnapshot: (api) => api.getSnapshot(),
  lookup: (api, r) => api.lookup(r),
  checkHealth: (api, r) => api.checkHealth(r),
  kill: (api, r) => api.kill(r),
  open: (api, r) => api.open(r),
  setPaused: (api, r) => api.setPaused(r),
  getSettings: (api) => api.getSettings(),
  updateSettings: (api, r) => api.updateSettings(r),
};

/** Dependencies of the IPC layer. */
export interface IpcDeps {
  readonly api: InvokeApi;
  /** ids of the webContents of windows we created (the popover and the main window). */
  readonly trustedSenderIds: () => ReadonlySet<number>;
  readonly log?: (line: string) => void;
}

/**
 * Registers one `ipcMain.handle` per `CHANNELS` entry. Each handler validates the sender and the
 * payload (see `validateIpcCall`) and only then calls the core; a rejected call resolves to an
 * error value, never reaching the core. Returns a function that removes the handlers.
 * Uses Electron only as types, so it is tested with a fake `ipcMain`.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  deps: IpcDeps,
): () => void {
  const methods = Object.keys(CHANNELS) as InvokeMethod[];
  for (const method of methods) {
    ipcMain.handle(CHANNELS[method], (event: IpcMainInvokeEvent, ...args: unknown[]) =>
      handle(method, event, args, deps),
    );
  }
  return () => {
    for (const method of methods) ipcMain.removeHandler(CHANNELS[method]);
  };
}

async function handle<M extends InvokeMethod>(
  method: M,
  event: IpcMainInvokeEvent,
  args: unknown[],
  deps: IpcDeps,
): Promise<unknown> {
  const frame = event.senderFrame;
  const checked = validateIpcCall(
    { senderId: event.sender.id, frame: frame ? { url: frame.url, parent: frame.parent } : null },
    deps.trustedSenderIds(),
    method,
    args,
  );
  if (!checked.ok) {
    deps.log?.(`ipc ${CHANNELS[method]} rejected: ${checked.error.message}`);
    return checked;
  }
  return CALLS[method](deps.api, checked.value);
}

/** Pushes a snapshot to every live window on `EVENTS.snapshot`. */
export function broadcastSnapshot(targets: readonly WebContents[], snapshot: Snapshot): void {
  for (const wc of targets) {
    if (!wc.isDestroyed()) wc.send(EVENTS.snapshot, snapshot);
  }
}
