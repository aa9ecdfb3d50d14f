import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, type InvokeApi, type InvokeMethod } from '../../app/contract/methods.js';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import { snapshot } from '../../app/testing/fixtures.js';
import { broadcastSnapshot, registerIpcHandlers } from './register-ipc.js';
import { validateIpcCall, type IpcSender } from './validate-ipc.js';

const trusted = new Set([7]);
const ours: IpcSender = { senderId: 7, frame: { url: 'app://bundle/index.html', parent: null } };
const kill = { listenerId: 'tcp4:127.0.0.1:3000', pid: 4242, startToken: '99', mode: 'graceful' };

function rejected(r: { ok: boolean; error?: { code: string; message: string } }) {
  expect(r.ok).toBe(false);
  return r.error ?? { code: '', message: '' };
}

describe('validateIpcCall: who', () => {
  it('accepts our own window\u2019s main frame on app://bundle', () => {
    expect(validateIpcCall(ours, trusted, 'kill', [kill])).toEqual({ ok: true, value: kill });
    expect(
      validateIpcCall(
        { ...ours, frame: { url: 'app://bundle/#focus=x', parent: null } },
        trusted,
        'getSnapshot',
        [],
      ),
    ).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it('rejects a null sender frame (navigated away or destroyed)', () => {
    expect(
      rejected(validateIpcCall({ senderId: 7, frame: null }, trusted, 'getSnapshot', [])).message,
    ).toMatch(/frame is gone/);
  });

  it('rejects webContents we did not create', () => {
    expect(rejected(validateIpcCall({ ...ours, senderId: 8 }, trusted, 'kill', [kill])).message).toMatch(
      /not a Harbormaster window/,
    );
  });

  it('rejects sub-frames', () => {
    const sub = { senderId: 7, frame: { url: 'app://bundle/index.html', parent: {} } };
    expect(rejected(validateIpcCall(sub, trusted, 'kill', [kill])).message).toMatch(/not the main frame/);
  });

  it('rejects frames showing anything but our bundle', () => {
    for (const url of [
      'http://127.0.0.1:3000/',
      'file:///tmp/x.html',
      'app://evil/index.html',
      'about:blank',
      'garbage',
    ]) {
      const r = validateIpcCall({ senderId: 7, frame: { url, parent: null } }, trusted, 'getSnapshot', []);
      expect(r.ok, url).toBe(false);
    }
  });
});

describe('validateIpcCall: what', () => {
  it('rejects unknown keys, including __proto__ and constructor', () => {
    expect(rejected(validateIpcCall(ours, trusted, 'kill', [{ ...kill, force: true }])).code).toBe(
      'INVALID_REQUEST',
    );
    const proto = JSON.parse('{"listenerId":"a","__proto__":{"isAdmin":true}}') as unknown;
    expect(rejected(validateIpcCall(ours, trusted, 'open', [proto])).code).toBe('INVALID_REQUEST');
    expect(validateIpcCall(ours, trusted, 'constructor' as InvokeMethod, []).ok).toBe(false);
    expect(validateIpcCall(ours, trusted, '__proto__' as InvokeMethod, []).ok).toBe(false);
  });

  it('rejects URL strings where a listener id belongs, and a url key', () => {
    for (const listenerId of [
      'http://127.0.0.1:3000/',
      'file:///Applications/Calculator.app',
      'javascript:alert(1)',
      'ms-msdt:/id',
      'smb://host/share',
    ]) {
      expect(rejected(validateIpcCall(ours, trusted, 'open', [{ listenerId }])).message, listenerId).toMatch(
        /not a URL/,
      );
    }
    expect(validateIpcCall(ours, trusted, 'open', [{ url: 'https://evil.example/' }]).ok).toBe(false);
    expect(validateIpcCall(ours, trusted, 'open', [{ listenerId: 'tcp6:[::1]:5173' }]).ok).toBe(true);
  });

  it('rejects bad ports with INVALID_PORT', () => {
    for (const port of [0, 65536, 619009, -1, 3000.5, '3000', Number.NaN, null]) {
      expect(rejected(validateIpcCall(ours, trusted, 'lookup', [{ port }])).code, String(port)).toBe(
        'INVALID_PORT',
      );
    }
    expect(
      rejected(validateIpcCall(ours, trusted, 'updateSettings', [{ watchedPorts: [80, 70000] }])).code,
    ).toBe('INVALID_PORT');
  });

  it('rejects bad pids with INVALID_PID', () => {
    for (const pid of [0, -5, 1.5, '4242', 2 ** 33]) {
      expect(rejected(validateIpcCall(ours, trusted, 'kill', [{ ...kill, pid }])).code, String(pid)).toBe(
        'INVALID_PID',
      );
    }
  });

  it('rejects wrong types, oversized strings, extra arguments and arguments to no-argument methods', () => {
    expect(validateIpcCall(ours, trusted, 'kill', [{ ...kill, mode: 'nuke' }]).ok).toBe(false);
    expect(validateIpcCall(ours, trusted, 'open', [{ listenerId: 'x'.repeat(301) }]).ok).toBe(false);
    expect(validateIpcCall(ours, trusted, 'open', [{ listenerId: 'a' }, { listenerId: 'b' }]).ok).toBe(false);
    expect(validateIpcCall(ours, trusted, 'getSnapshot', [{}]).ok).toBe(false);
    expect(validateIpcCall(ours, trusted, 'setPaused', [{ paused: 'yes' }]).ok).toBe(false);
  });
});

describe('registerIpcHandlers', () => {
  type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;
  function setup() {
    const handlers = new Map<string, Handler>();
    const ipcMain = {
      handle: (channel: string, h: Handler) => handlers.set(channel, h),
      removeHandler: (channel: string) => handlers.delete(channel),
    } as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>;
    const calls: [string, unknown][] = [];
    const record =
      (name: string, value: unknown) =>
      async (arg?: unknown): Promise<never> => {
        calls.push([name, arg]);
        return value as never;
      };
    const api: InvokeApi = {
      getSnapshot: record('getSnapshot', snapshot([])),
      lookup: record('lookup', { ok: true, value: 'looked up' }),
      checkHealth: record('checkHealth', { ok: true }),
      kill: record('kill', { ok: true, value: 'killed' }),
      cancelKill: record('cancelKill', { ok: true, value: { cancelled: false } }),
      containerAction: record('containerAction', { ok: true, value: 'stopped' }),
      open: record('open', { ok: true, value: { url: 'http://127.0.0.1:3000/' } }),
      setPaused: record('setPaused', { ok: true, value: { paused: true } }),
      getSettings: record('getSettings', DEFAULT_SETTINGS),
      updateSettings: record('updateSettings', { ok: true, value: DEFAULT_SETTINGS }),
      getVersion: record('getVersion', { app: '0.1.0', contract: 1 }),
      why: record('why', { ok: true, value: 'diagnosed' }),
      portHistory: record('portHistory', { ok: true, value: 'remembered' }),
      listHosts: record('listHosts', { config: '', hosts: [], refused: [] }),
      getHost: record('getHost', { ok: true }),
      collapseHost: record('collapseHost', { ok: true }),
      openRemote: record('openRemote', { ok: true }),
      killRemote: record('killRemote', { ok: true }),
      listForwards: record('listForwards', []),
      closeForwards: record('closeForwards', { ok: true }),
      beginTrust: record('beginTrust', { ok: true }),
      answerTrust: record('answerTrust', { ok: true }),
    };
    const log: string[] = [];
    const dispose = registerIpcHandlers(ipcMain, {
      api,
      trustedSenderIds: () => trusted,
      log: (l) => log.push(l),
    });
    const event = (senderId: number, url: string, parent: unknown = null) =>
      ({ sender: { id: senderId }, senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;
    return { handlers, calls, log, dispose, event };
  }

  it('registers exactly one handler per contract channel, and removes them all', () => {
    const { handlers, dispose } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('forwards a valid call from our window to the core with the parsed request', async () => {
    const { handlers, calls, event } = setup();
    const result = await handlers.get(CHANNELS.kill)?.(event(7, 'app://bundle/index.html'), kill);
    expect(result).toEqual({ ok: true, value: 'killed' });
    expect(calls).toEqual([['kill', kill]]);
  });

  it('never calls the core for a rejected sender or payload, and logs why', async () => {
    const { handlers, calls, log, event } = setup();
    const foreign = await handlers.get(CHANNELS.kill)?.(event(9, 'app://bundle/index.html'), kill);
    expect(foreign).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const nullFrame = { sender: { id: 7 }, senderFrame: null } as unknown as IpcMainInvokeEvent;
    expect(await handlers.get(CHANNELS.getSnapshot)?.(nullFrame)).toMatchObject({ ok: false });
    expect(await handlers.get(CHANNELS.lookup)?.(event(7, 'app://bundle/'), { port: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PORT' },
    });
    expect(calls).toEqual([]);
    expect(log).toHaveLength(3);
    expect(log[0]).toBe('ipc process:kill rejected: Untrusted sender: not a Harbormaster window.');
  });

  it('pushes snapshots to live windows only', () => {
    const sent: [number, string, unknown][] = [];
    const wc = (id: number, destroyed: boolean) =>
      ({
        isDestroyed: () => destroyed,
        send: (ch: string, v: unknown) => sent.push([id, ch, v]),
      }) as unknown as WebContents;
    const s = snapshot([]);
    broadcastSnapshot([wc(1, false), wc(2, true)], s);
    expect(sent).toEqual([[1, EVENTS.snapshot, s]]);
  });
});
