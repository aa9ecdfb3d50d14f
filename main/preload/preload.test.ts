import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, METHODS, type InvokeMethod } from '../../app/contract/methods.js';

/**
 * Runs the preload exactly as a sandboxed renderer would: bundled by the same Vite config the build
 * uses, in a fresh context whose `require` knows only 'electron' (a fake recording what the preload
 * does). Bundled once for the whole file.
 */
let bundled: string | null = null;
async function bundlePreload(): Promise<string> {
  if (bundled !== null) return bundled;
  const { build } = await import('vite');
  const { config } = await import('../../vite.preload.config.js');
  const out = await build({
    ...config,
    configFile: false,
    build: { ...config.build, write: false, sourcemap: false },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('the preload bundle produced no code');
  bundled = chunk.code;
  return bundled;
}

async function loadPreload() {
  const js = await bundlePreload();
  const required: string[] = [];
  const exposed: [string, Record<string, unknown>][] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, value: Record<string, unknown>) => exposed.push([key, value]),
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve('answer')),
      on: (ch: string, fn: (...args: unknown[]) => void) => {
        if (!listeners.has(ch)) listeners.set(ch, new Set());
        listeners.get(ch)?.add(fn);
      },
      removeListener: (ch: string, fn: (...args: unknown[]) => void) => listeners.get(ch)?.delete(fn),
    },
  };
  const module = { exports: {} };
  runInNewContext(js, {
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    },
  });
  return { required, exposed, invoked, listeners };
}

describe('preload', () => {
  it('requires nothing but electron', async () => {
    expect((await loadPreload()).required).toEqual(['electron']);
  });

  it('exposes exactly the HarbormasterApi methods as window.harbormaster', async () => {
    const { exposed } = await loadPreload();
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.[0]).toBe('harbormaster');
    expect(Object.keys(exposed[0]?.[1] ?? {}).sort()).toEqual(
      [...Object.keys(CHANNELS), 'onConnection', 'onSnapshot'].sort(),
    );
    for (const value of Object.values(exposed[0]?.[1] ?? {})) expect(typeof value).toBe('function');
  });

  it('sends each call on its contract channel with the single request argument', async () => {
    const { exposed, invoked } = await loadPreload();
    const api = exposed[0]?.[1] as Record<InvokeMethod, (arg?: unknown) => Promise<unknown>>;
    for (const method of Object.keys(CHANNELS) as InvokeMethod[]) {
      expect(await api[method]({ probe: method })).toBe('answer');
    }
    expect(invoked).toEqual(
      (Object.keys(CHANNELS) as InvokeMethod[]).map((m) =>
        METHODS[m].takesRequest ? [CHANNELS[m], { probe: m }] : [CHANNELS[m]],
      ),
    );
  });

  it('passes snapshots to subscribers without the IPC event, and unsubscribes', async () => {
    const { exposed, listeners } = await loadPreload();
    const api = exposed[0]?.[1] as { onSnapshot: (cb: (...a: unknown[]) => void) => () => void };
    const received: unknown[][] = [];
    const off = api.onSnapshot((...args) => received.push(args));
    const handlers = [...(listeners.get(EVENTS.snapshot) ?? [])];
    expect(handlers).toHaveLength(1);
    const fakeEvent = { sender: { send: () => undefined }, ports: [] };
    handlers[0]?.(fakeEvent, { seq: 7 });
    expect(received).toEqual([[{ seq: 7 }]]);
    off();
    expect(listeners.get(EVENTS.snapshot)?.size).toBe(0);
  });

  it('reports the IPC connection as open', async () => {
    const { exposed } = await loadPreload();
    const api = exposed[0]?.[1] as { onConnection: (cb: (s: string) => void) => () => void };
    const states: string[] = [];
    api.onConnection((s) => states.push(s))();
    expect(states).toEqual(['open']);
  });
});
