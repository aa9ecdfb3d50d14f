import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_VERSION, CONTRACT_VERSION } from '../contract/methods.js';
import { createHarbormasterService } from '../service/create-service.js';
import type { HarbormasterService } from '../service/types.js';
import {
  AGENT_PROTOCOL,
  agentHello,
  checkHello,
  createLineSplitter,
  majorOf,
  MAX_REQUEST_LINE,
  parseAgentCall,
  serveAgent,
} from './agent-protocol.js';
import { agentKillOutcome, agentKillRequest, readAgentSnapshot } from './agent-snapshot.js';

describe('the agent hello', () => {
  it('names the agent protocol, the package and the contract; this build accepts its own', () => {
    const h = agentHello();
    expect(h).toEqual({
      type: 'hello',
      version: 1,
      agent: AGENT_PROTOCOL,
      app: APP_VERSION,
      contract: CONTRACT_VERSION,
    });
    expect(checkHello(JSON.stringify(h))).toEqual({ ok: true, hello: h });
  });

  it('reads the major version of x.y.z only', () => {
    expect(majorOf('0.1.0')).toBe(0);
    expect(majorOf('12.3.4-beta.1')).toBe(12);
    expect(majorOf('v1.2.3')).toBeNull();
    expect(majorOf('1.2')).toBeNull();
  });

  it.each([
    [{ ...agentHello(), app: `${(majorOf(APP_VERSION) ?? 0) + 1}.0.0` }, /major versions differ/],
    [{ ...agentHello(), contract: CONTRACT_VERSION + 1 }, /contract/],
    [{ ...agentHello(), agent: AGENT_PROTOCOL + 1 }, /agent protocol/],
    [{ ...agentHello(), extra: 1 }, /unreadable hello/],
    ['sh: harbormaster: not found', /did not answer with a hello/],
  ])('refuses %j', (hello, reason) => {
    const r = checkHello(typeof hello === 'string' ? hello : JSON.stringify(hello));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('never repeats a hostile version string raw in its reason', () => {
    const r = checkHello(JSON.stringify({ ...agentHello(), app: '9.0.0-\u001b[31m' }));
    expect(r.ok).toBe(false);
    // eslint-disable-next-line no-control-regex -- asserting no control character is left
    if (!r.ok) expect(r.reason).not.toMatch(/\u001b/);
  });
});

describe('parseAgentCall', () => {
  it('accepts a call of a served method', () => {
    expect(parseAgentCall('{"type":"call","id":3,"method":"getSnapshot"}')).toMatchObject({
      ok: true,
      call: { id: 3, method: 'getSnapshot' },
    });
  });
  it.each([
    ['{not json', null, /not JSON/],
    ['{"type":"call","id":4,"method":"launchMissiles"}', 4, /does not serve/],
    // Contract methods that act beyond this machine's listeners are not served remotely.
    ['{"type":"call","id":5,"method":"updateSettings","params":{}}', 5, /does not serve/],
    ['{"type":"call","id":6,"method":"killRemote"}', 6, /does not serve/],
    ['{"type":"call","id":7,"method":"__proto__"}', 7, /does not serve/],
    ['{"type":"call","id":8,"method":"getSnapshot","extra":1}', 8, /not a call/],
    ['{"type":"call","id":-1,"method":"getSnapshot"}', null, /not a call/],
    ['[1,2]', null, /not a call/],
    ['null', null, /not a call/],
  ])('refuses %s (answer id %j)', (line, id, message) => {
    const r = parseAgentCall(line);
    expect(r).toMatchObject({ type: 'error', id, error: { code: 'INVALID_REQUEST' } });
    expect('error' in r && r.error.message).toMatch(message);
  });
});

describe('createLineSplitter', () => {
  it('joins lines across chunks and skips an oversize line up to its newline, once', () => {
    const lines: string[] = [];
    let over = 0;
    const split = createLineSplitter(
      8,
      (l) => lines.push(l),
      () => (over += 1),
    );
    split(Buffer.from('ab'));
    split(Buffer.from('c\nde'));
    split(Buffer.from('f\n0123456789'));
    split(Buffer.from('abcdef'));
    split(Buffer.from('xyz\nok\n'));
    expect(lines).toEqual(['abc', 'def', 'ok']);
    expect(over).toBe(1);
  });
  it('keeps a multi-byte character split across chunks whole', () => {
    const lines: string[] = [];
    const split = createLineSplitter(
      100,
      (l) => lines.push(l),
      () => undefined,
    );
    const bytes = Buffer.from('é→\n');
    split(bytes.subarray(0, 1));
    split(bytes.subarray(1));
    expect(lines).toEqual(['é→']);
  });
});

describe('serveAgent over the real core', () => {
  let service: HarbormasterService;
  beforeAll(async () => {
    service = await createHarbormasterService({ startPolling: false, autoProbe: false, history: null });
  });
  afterAll(async () => service?.dispose());

  const session = () => {
    const input = new PassThrough();
    const out: string[] = [];
    const done = serveAgent({ api: service, write: (l) => out.push(l), input });
    const answers = () =>
      out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; id?: number | null; result?: unknown; error?: unknown });
    return { input, out, done, answers };
  };

  it('says hello first, answers calls by id, refuses hostile lines and keeps serving, ends with stdin', async () => {
    const s = session();
    s.input.write('{"type":"call","id":1,"method":"getVersion"}\n');
    s.input.write('this is not json\n');
    s.input.write(
      `{"type":"call","id":2,"method":"getSnapshot","params":"${'x'.repeat(MAX_REQUEST_LINE)}"}\n`,
    );
    s.input.write('{"type":"call","id":3,"method":"open","params":{"listenerId":"x"}}\n');
    // Validated by the contract's schema: a pid of 0 is INVALID_PID inside the kill's Result.
    s.input.write(
      '{"type":"call","id":4,"method":"kill","params":{"listenerId":"x","pid":0,"startToken":"1","mode":"graceful"}}\n',
    );
    s.input.write('{"type":"call","id":5,"method":"getSnapshot"}\n');
    s.input.end();
    await s.done;
    const a = s.answers();
    expect(a[0]).toEqual(agentHello());
    const byId = (id: number | null) => a.filter((m) => m.id === id);
    expect(byId(1)).toEqual([
      { type: 'result', id: 1, result: { app: APP_VERSION, contract: CONTRACT_VERSION } },
    ]);
    expect(byId(null).map((m) => JSON.stringify(m.error))).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/longer than/),
    ]);
    expect(byId(2)).toEqual([]);
    expect(byId(3)).toMatchObject([{ type: 'error', error: { code: 'INVALID_REQUEST' } }]);
    expect(byId(4)).toMatchObject([
      { type: 'result', result: { ok: false, error: { code: 'INVALID_PID' } } },
    ]);
    const snap = byId(5)[0]?.result as { listeners: unknown[]; seq: number };
    expect(Array.isArray(snap.listeners)).toBe(true);
    expect(snap.seq).toBeGreaterThan(0);
    // Every answer is one line of JSON with no raw control byte.
    // eslint-disable-next-line no-control-regex -- asserting no control character is left
    expect(s.out.join('')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('the agent snapshot, read as untrusted input', () => {
  const row = (over: Record<string, unknown> = {}) => ({
    id: 'tcp|4|127.0.0.1|3000|123',
    protocol: 'tcp',
    family: 4,
    address: '127.0.0.1',
    port: 3000,
    socketId: '123',
    owner: {
      kind: 'process',
      pid: 42,
      startToken: '777',
      startedAt: 1,
      name: 'node',
      command: 'node \u001b]0;pwned\u0007server.js\u202e',
      user: 'dev',
      uid: 1000,
      cwd: '/srv',
    },
    health: { state: 'up', kind: 'http', checkedAt: 1, latencyMs: 2, status: 200, title: 'Hi\u001b[2J' },
    ...over,
  });

  it('cleans every string again and keeps the agent id for the kill', () => {
    const r = readAgentSnapshot({ viewer: { uid: 1000 }, listeners: [row()] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const l = r.listeners[0];
    expect(l?.holder).toMatchObject({ pid: 42, startTicks: '777', uid: 1000, name: 'node' });
    // eslint-disable-next-line no-control-regex -- asserting no control character is left
    expect(l?.holder?.command).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(l?.health).toMatchObject({ state: 'up', kind: 'http', status: 200 });
    expect(JSON.stringify(l?.health)).not.toMatch(/\\u001b/);
    expect(l?.agentId).toBe('tcp|4|127.0.0.1|3000|123');
    expect(r.viewerUid).toBe(1000);
  });

  it('skips malformed rows and counts them; a non-snapshot is refused, never "no ports"', () => {
    const r = readAgentSnapshot({
      listeners: [
        row(),
        row({ port: 70000 }),
        row({ address: '1.2.3.4; rm -rf /' }),
        row({ socketId: null }),
        'x',
      ],
    });
    expect(r).toMatchObject({ ok: true, skipped: 4 });
    expect(readAgentSnapshot({ nope: true })).toMatchObject({ ok: false });
    expect(readAgentSnapshot(null)).toMatchObject({ ok: false });
    // A failed remote scan carries the last good listeners: refused, so the script path lists instead.
    expect(readAgentSnapshot({ stale: true, listeners: [row()] })).toMatchObject({
      ok: false,
      message: /scan failed/,
    });
  });

  it('a health it does not know becomes unknown, not an error', () => {
    const r = readAgentSnapshot({ listeners: [row({ health: { state: 'up', kind: 'gopher' } })] });
    expect(r.ok && r.listeners[0]?.health).toEqual({ state: 'unknown' });
  });

  it('a kill request needs the same socket and uid the user confirmed', () => {
    const r = readAgentSnapshot({ listeners: [row()] });
    if (!r.ok) throw new Error('unreadable');
    const t = { pid: 42, startTicks: '777', uid: 1000, inode: '123', port: 3000 };
    expect(agentKillRequest(r.listeners, t)).toEqual({
      request: { listenerId: 'tcp|4|127.0.0.1|3000|123', pid: 42, startToken: '777', mode: 'graceful' },
    });
    expect(agentKillRequest(r.listeners, { ...t, inode: '124' })).toEqual({
      outcome: { kind: 'no-longer-holds' },
    });
    expect(agentKillRequest(r.listeners, { ...t, uid: 0 })).toMatchObject({ outcome: { kind: 'changed' } });
  });

  it.each([
    [
      { ok: true, value: { outcome: 'freed', message: 'x' } },
      { kind: 'freed', pid: 9 },
    ],
    [{ ok: true, value: { outcome: 'already-gone', message: 'x' } }, { kind: 'gone' }],
    [{ ok: true, value: { outcome: 'restarted', message: 'respawned' } }, { kind: 'still-listening' }],
    [{ ok: true, value: { outcome: 'permission-denied', message: 'no' } }, { kind: 'denied' }],
    [{ ok: false, error: { code: 'PROCESS_CHANGED', message: 'other' } }, { kind: 'changed' }],
    [{ ok: false, error: { code: 'NO_LONGER_HOLDS', message: 'm' } }, { kind: 'no-longer-holds' }],
    [{ ok: false, error: { code: 'PROTECTED', message: 'm' } }, { kind: 'protected' }],
    [{ ok: true, value: { outcome: 'freed' } }, { kind: 'unreadable' }],
    ['freed', { kind: 'unreadable' }],
  ])('maps the kill answer %j to %j (only freed/still-listening say a signal went out)', (raw, outcome) => {
    expect(agentKillOutcome(raw, 9)).toMatchObject(outcome);
  });
});
