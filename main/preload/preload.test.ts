import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, type InvokeMethod } from '../../app/contract/api.js';

/**
 * Runs the preload exactly as a sandboxed renderer would: compiled to CommonJS, in a fresh context
 * whose `require` knows only 'electron' (a fake recording what the preload does).
 */
function loadPreload() {
  const source = readFileSync(fileURLToPath(new URL('./preload.cts', import.meta.url)), 'utf8');
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
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
  it('requires nothing but electron', () => {
    expect(loadPreload().required).toEqual(['electron']);
  });

  it('exposes exactly the HarbormasterApi methods as window.harbormaster', () => {
    const { exposed } = loadPreload();
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.[0]).toBe('harbormaster');
    expect(Object.keys(exposed[0]?.[1] ?? {}).sort()).toEqual(
      [...Object.keys(CHANNELS), 'onConnection', 'onSnapshot'].sort(),
    );
    for (const value of Object.values(exposed[0]?.[1] ?? {})) expect(typeof value).toBe('function');
  });

  it('sends each call on its contract channel with the single request argument', async () => {
    const { exposed, invoked } = loadPreload();
    const api = exposed[0]?.[1] as Record<InvokeMethod, (arg?: unknown) => Promise<unknown>>;
    for (const method of Object.keys(CHANNELS) as InvokeMethod[]) {
      expect(await api[method]({ probe: method })).toBe('answer');
    }
    expect(invoked).toEqual(
      (Object.keys(CHANNELS) as InvokeMethod[]).map((m) =>
        m === 'getSnapshot' || m === 'getSettings' ? [CHANNELS[m]] : [CHANNELS[m], { probe: m }],
      ),
    );
  });

  it('passes snapshots to subscribers without the IPC event, and unsubscribes', () => {
    const { exposed, listeners } = loadPreload();
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

  it('reports the IPC connection as open', () => {
    const { exposed } = loadPreload();
    const api = exposed[0]?.[1] as { onConnection: (cb: (s: string) => void) => () => void };
    const states: string[] = [];
    api.onConnection((s) => states.push(s))();
    expect(states).toEqual(['open']);
  });
});
