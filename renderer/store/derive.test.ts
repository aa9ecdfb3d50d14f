import { describe, expect, it } from 'vitest';
import { httpUp, listener, processOwner, unknownOwner } from '../../app/testing/fixtures.js';
import { SCOPE_CASES } from '../../app/model/test-support/scope-cases.js';
import { guessCurrentUser } from './current-user.js';
import { deriveView, type ViewInputs } from './derive.js';
import { portIntent } from './search-query.js';

const base = (over: Partial<ViewInputs>): ViewInputs => ({
  listeners: [],
  ghosts: new Map(),
  query: '',
  grouping: 'grouped',
  showOtherUsers: false,
  showSystem: false,
  currentUser: 'alice',
  ...over,
});

describe('portIntent', () => {
  it('reads :3000 and host:port as exactly that port', () => {
    expect(portIntent(':3000')).toEqual({ kind: 'exact', port: 3000 });
    expect(portIntent('localhost:8080')).toEqual({ kind: 'exact', port: 8080 });
    expect(portIntent('[::1]:5173')).toEqual({ kind: 'exact', port: 5173 });
  });
  it('names the valid range for out-of-range or zero ports', () => {
    const big = portIntent('619009');
    expect(big.kind).toBe('invalid');
    expect(big.kind === 'invalid' && big.message).toMatch(/1–65535/);
    const zero = portIntent(':0');
    expect(zero.kind === 'invalid' && zero.message).toMatch(/1–65535/);
  });
  it('reads a pasted URL as its port, or the scheme default (issue 13)', () => {
    expect(portIntent('http://localhost:5173/app?x=1')).toEqual({ kind: 'exact', port: 5173 });
    expect(portIntent('https://[::1]:8443/')).toEqual({ kind: 'exact', port: 8443 });
    expect(portIntent('http://127.0.0.1/')).toEqual({ kind: 'exact', port: 80 });
    expect(portIntent('https://localhost')).toEqual({ kind: 'exact', port: 443 });
    const bad = portIntent('http://localhost:619009/');
    expect(bad.kind === 'invalid' && bad.message).toMatch(/1–65535/);
  });
  it('treats plain words as text search', () => {
    expect(portIntent('node')).toEqual({ kind: 'none' });
    expect(portIntent('30')).toEqual({ kind: 'digits', port: 30 });
  });
});

describe('whose listener', () => {
  it('guesses the most common non-root user as the current user', () => {
    const ls = [
      listener({ port: 1, owner: processOwner({ user: 'root', uid: 0 }) }),
      listener({ port: 2, owner: processOwner({ user: 'root', uid: 0 }) }),
      listener({ port: 3, owner: processOwner({ user: 'bob', uid: 1001 }) }),
      listener({ port: 4, owner: processOwner({ user: 'alice', uid: 1000 }) }),
      listener({ port: 5, owner: processOwner({ user: 'alice', uid: 1000 }) }),
    ];
    expect(guessCurrentUser(ls)).toBe('alice');
  });
  it('classes root and service accounts as system, unknown owners as unknown (the shared rule)', () => {
    const byAlice = (l: ReturnType<typeof listener>) =>
      deriveView(
        base({ listeners: [l], showOtherUsers: true, showSystem: true, groupSingles: true }),
      ).items.find((i) => i.kind === 'group');
    const postgres = listener({ port: 5432, owner: processOwner({ user: 'postgres', uid: 113 }) });
    expect(byAlice(postgres)).toMatchObject({ scope: 'system' });
    expect(byAlice(listener({ port: 22, owner: unknownOwner() }))).toMatchObject({ scope: 'unknown' });
    const bob = listener({ port: 3000, owner: processOwner({ user: 'bob', uid: 1001 }) });
    expect(byAlice(bob)).toMatchObject({ scope: 'other-user' });
  });
});

describe('the window hides the rows of the shared scope table (app/model/test-support/scope-cases.ts)', () => {
  for (const c of SCOPE_CASES) {
    it(`${c.name}: ${c.scope}`, () => {
      const inputs = base({
        listeners: [c.listener],
        currentUser: c.viewer?.user ?? null,
        viewerUid: c.viewer?.uid ?? null,
        grouping: 'flat',
      });
      const hidden = c.scope === 'other-user' || c.scope === 'system';
      expect(deriveView(inputs).rowIds.includes(c.listener.id)).toBe(!hidden);
      const all = deriveView({ ...inputs, showOtherUsers: true, showSystem: true });
      expect(all.rowIds).toEqual([c.listener.id]);
    });
  }
});

describe('deriveView', () => {
  const mine = listener({ port: 5173, owner: processOwner({ pid: 10, name: 'vite-dev' }) });
  const api = listener({
    port: 3000,
    address: '0.0.0.0',
    owner: processOwner({ pid: 11, name: 'node', project: null, command: 'node server.js' }),
  });
  const system = listener({
    port: 631,
    owner: processOwner({ pid: 12, name: 'cupsd', user: 'root', uid: 0, project: null }),
  });
  const bob = listener({
    port: 8080,
    owner: processOwner({ pid: 13, name: 'java', user: 'bob', uid: 1001, project: null }),
  });
  const all = [system, bob, api, mine];

  it('hides other users and system services by default and counts them', () => {
    const v = deriveView(base({ listeners: all }));
    expect(v.rowIds).toEqual([api.id, mine.id]);
    expect(v.hiddenOther).toBe(1);
    expect(v.hiddenSystem).toBe(1);
  });

  it('puts own groups before system ones when everything is shown', () => {
    const v = deriveView(base({ listeners: all, showOtherUsers: true, showSystem: true }));
    const rowPorts = v.items
      .filter((i) => i.kind === 'row')
      .map((i) => (i.kind === 'row' ? i.listener.port : 0));
    expect(rowPorts.indexOf(631)).toBe(rowPorts.length - 1);
    expect(rowPorts.indexOf(8080)).toBe(rowPorts.length - 2);
  });

  it('matches :3000 exactly, not 30000 or pid 3000', () => {
    const other = listener({ port: 30000, owner: processOwner({ pid: 3000 }) });
    const v = deriveView(base({ listeners: [api, other], query: ':3000', grouping: 'flat' }));
    expect(v.rowIds).toEqual([api.id]);
    expect(v.portHeld).toBe(true);
  });

  it('matches every word against port, name, pid, command, project and address', () => {
    expect(deriveView(base({ listeners: all, query: 'server.js' })).rowIds).toEqual([api.id]);
    expect(deriveView(base({ listeners: all, query: 'shop vite' })).rowIds).toEqual([mine.id]);
    expect(deriveView(base({ listeners: all, query: '0.0.0.0' })).rowIds).toEqual([api.id]);
    expect(deriveView(base({ listeners: all, query: '11' })).rowIds).toEqual([api.id]);
  });

  it('keeps vanished rows in place, marked gone', () => {
    const v = deriveView(
      base({ listeners: [mine], ghosts: new Map([[api.id, { listener: api, until: 1 }]]), grouping: 'flat' }),
    );
    expect(v.items.map((i) => (i.kind === 'row' ? [i.listener.port, i.gone] : null))).toEqual([
      [3000, true],
      [5173, false],
    ]);
    // Shown, but not counted as matching listeners: the header says "1 listening", never "2 of 1".
    expect(v.rowIds).toHaveLength(2);
    expect(v.matched).toBe(1);
  });
});

describe('search matches what the row is called, the page title and the URL', () => {
  const shop = listener({
    port: 3000,
    owner: processOwner({
      pid: 20,
      name: 'node',
      command: 'node /home/alice/shop/node_modules/.bin/next dev',
      project: { name: 'shop', root: '/home/alice/shop', kind: 'node' },
    }),
    health: httpUp({ title: 'Storefront Admin' }),
    url: 'http://127.0.0.1:3000/',
  });
  const admin = listener({
    port: 5173,
    owner: processOwner({ pid: 21, name: 'node', command: 'node /home/alice/admin/node_modules/.bin/vite' }),
    url: 'http://localhost:5173/',
  });
  const ids = (query: string) =>
    deriveView(base({ listeners: [shop, admin], query, grouping: 'flat' })).rowIds;

  it('finds a row by its page title', () => {
    expect(ids('storefront')).toEqual([shop.id]);
  });
  it('finds a row by its script', () => {
    expect(ids('next dev')).toEqual([shop.id]);
    expect(ids('vite')).toEqual([admin.id]);
  });
  it('finds a row by its URL', () => {
    expect(ids('localhost')).toEqual([admin.id]);
  });
});

describe('grouping gives a header only to a process or project with more than one listener', () => {
  const proj = { name: 'shop', root: '/home/alice/shop', kind: 'node' as const };
  const shop4 = listener({ port: 3000, owner: processOwner({ pid: 30, project: proj }) });
  const shop6 = listener({ port: 3000, address: '::1', owner: processOwner({ pid: 30, project: proj }) });
  const vite = listener({ port: 5173, owner: processOwner({ pid: 31, name: 'vite', project: null }) });
  const redis = listener({
    port: 6379,
    owner: processOwner({ pid: 32, name: 'redis-server', project: null }),
  });

  it('heads the multi-listener project, and puts the single ones under one "Other listeners" header', () => {
    const v = deriveView(base({ listeners: [redis, vite, shop6, shop4] }));
    const shape = v.items.map((i) =>
      i.kind === 'group' ? `# ${i.label}` : i.kind === 'row' ? String(i.listener.port) : `down ${i.pin.port}`,
    );
    expect(shape).toEqual(['# shop', '3000', '3000', '# Other listeners', '5173', '6379']);
  });

  it('shows no header at all when every process has one listener', () => {
    const v = deriveView(base({ listeners: [redis, vite] }));
    expect(v.items.every((i) => i.kind === 'row')).toBe(true);
  });
});
