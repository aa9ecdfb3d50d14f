import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  CHANNELS,
  EVENTS,
  INVOKE_METHODS,
  invoke,
  type InvokeApi,
  type InvokeMethod,
} from '../../app/contract/methods.js';
import type { Snapshot } from '../../app/model/snapshot.js';
import { validateIpcCall } from './validate-ipc.js';

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
  for (const method of INVOKE_METHODS) {
    ipcMain.handle(CHANNELS[method], (event: IpcMainInvokeEvent, ...args: unknown[]) =>
      handle(method, event, args, deps),
    );
  }
  return () => {
    for (const method of INVOKE_METHODS) ipcMain.removeHandler(CHANNELS[method]);
  };
}

async function handle(
  method: InvokeMethod,
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
  // Validated once, here at the IPC edge; the core takes the typed request as it is.
  return invoke(deps.api, method, checked.value);
}

/** Pushes a snapshot to every live window on `EVENTS.snapshot`. */
export function broadcastSnapshot(targets: readonly WebContents[], snapshot: Snapshot): void {
  for (const wc of targets) {
    if (!wc.isDestroyed()) wc.send(EVENTS.snapshot, snapshot);
  }
}
