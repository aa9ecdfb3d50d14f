import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import { createCoreClient } from './core-client.js';
import type { FromCore, MessageEndpoint, ToCore } from './protocol.js';

/**
 * Loads the real utility-process entry in this process with a stand-in for Electron's
 * `process.parentPort` (messages arrive wrapped as `{ data }`, replies via `postMessage`), and
 * drives it with the real client: proves the entry's adapter and the real core start up together.
 */
describe('core host entry', () => {
  const proc = process as unknown as { parentPort?: unknown };
  afterEach(() => {
    delete proc.parentPort;
    vi.restoreAllMocks();
  });

  it('serves the real core over Electron\u2019s parentPort shape and exits cleanly after dispose', async () => {
    const toChild = new EventEmitter();
    const toParent = new EventEmitter();
    proc.parentPort = {
      postMessage: (m: unknown) => queueMicrotask(() => toParent.emit('message', structuredClone(m))),
      on: (e: string, l: (ev: { data: unknown }) => void) => toChild.on(e, l),
      off: (e: string, l: (ev: { data: unknown }) => void) => toChild.off(e, l),
    };
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    await import('./core-host-entry.js');

    const endpoint: MessageEndpoint<ToCore, FromCore> = {
      post: (m) => queueMicrotask(() => toChild.emit('message', { data: structuredClone(m) })),
      onMessage(listener) {
        const h = (m: unknown) => listener(m as FromCore);
        toParent.on('message', h);
        return () => void toParent.off('message', h);
      },
    };
    const client = createCoreClient({
      settings: { ...DEFAULT_SETTINGS, autoProbe: false },
      openUrl: async () => null,
    });
    client.connect(endpoint, [process.pid]);
    const snapshot = await client.getSnapshot();
    expect(snapshot.seq).toBeGreaterThanOrEqual(1);
    expect(['ok', 'partial', 'failed']).toContain(snapshot.status);
    expect(await client.lookup({ port: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_PORT' } });
    await client.dispose();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
  });
});
