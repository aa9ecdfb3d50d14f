import { describe, expect, it } from 'vitest';
import { parseRequest } from '../contract/schemas.js';
import { HOSTILE_TEXTS, LONG_TEXT } from '../testing/bad-input.js';
import { checkKillRequest } from './kill-request.js';

// The kill pipeline checks its request with a hand-written guard (kill-request.ts) so a kill does
// not load zod; the contract's KillRequestSchema stays the rule. Both must give the same verdict,
// error code, first bad field and value on every input, good or hostile (issue 14 item 2).

/** A small seeded generator (mulberry32): the same inputs on every run, and many of them. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** Values that are wrong for every field, or for some: types, edges, hostile text. */
const HOSTILE_VALUES: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  4_294_967_296,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 53,
  '',
  '1',
  '42',
  ' graceful',
  'GRACEFUL',
  'force\u0000',
  'a'.repeat(7),
  'a'.repeat(65),
  'a'.repeat(301),
  'kill-id-with space',
  'abcdefgh\n',
  LONG_TEXT,
  ...HOSTILE_TEXTS,
  [],
  ['graceful'],
  {},
  { valueOf: () => 42 },
  new String('graceful'),
  new Number(42),
  10n,
  Symbol('x'),
  () => 1,
];

const FIELDS = ['listenerId', 'pid', 'startToken', 'mode', 'afterFailedTerm', 'killId'] as const;

function goodValue(field: (typeof FIELDS)[number], rnd: () => number): unknown {
  const text = (min: number, max: number, chars = TOKEN_CHARS + ':.[]/ é\u00e9🙂'): string => {
    const n = min + Math.floor(rnd() * (max - min + 1));
    let s = '';
    while (s.length < n) s += chars[Math.floor(rnd() * chars.length)];
    return s.slice(0, n);
  };
  switch (field) {
    case 'listenerId':
      return rnd() < 0.2 ? text(rnd() < 0.5 ? 1 : 300, rnd() < 0.5 ? 1 : 300) : text(1, 80);
    case 'pid':
      return [1, 2, 4_294_967_295, 1 + Math.floor(rnd() * 4_294_967_294)][Math.floor(rnd() * 4)];
    case 'startToken':
      return rnd() < 0.2 ? text(64, 64) : text(1, 64);
    case 'mode':
      return rnd() < 0.5 ? 'graceful' : 'force';
    case 'afterFailedTerm':
      return rnd() < 0.5;
    case 'killId':
      return text(8, 64, TOKEN_CHARS);
  }
}

/** A request: a good one, then 0–3 fields replaced by hostile values or dropped, maybe an extra key. */
function generate(rnd: () => number): unknown {
  const o: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const optional = f === 'afterFailedTerm' || f === 'killId';
    if (!optional || rnd() < 0.6) o[f] = goodValue(f, rnd);
  }
  const mutations = rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < mutations; i += 1) {
    const f = FIELDS[Math.floor(rnd() * FIELDS.length)] as string;
    if (rnd() < 0.15) delete o[f];
    else o[f] = HOSTILE_VALUES[Math.floor(rnd() * HOSTILE_VALUES.length)];
  }
  if (rnd() < 0.1) o[['extra', 'PID', 'constructor', 'toString', ''][Math.floor(rnd() * 5)] as string] = 1;
  return o;
}

/** Shapes that are not plain objects, or carry keys where a JSON parser or a prototype puts them. */
function oddInputs(): unknown[] {
  const good = { listenerId: 'tcp:4:127.0.0.1:3000', pid: 4242, startToken: '123456', mode: 'graceful' };
  class Req {
    listenerId = good.listenerId;
    pid = good.pid;
    startToken = good.startToken;
    mode = good.mode;
  }
  const withGetter = { ...good };
  Object.defineProperty(withGetter, 'hidden', { value: 1, enumerable: false });
  return [
    ...HOSTILE_VALUES,
    good,
    new Req(),
    Object.create(good),
    Object.assign(Object.create({ extra: 1 }), good),
    Object.assign(Object.create(null), good),
    withGetter,
    JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(good).slice(1)}`),
    JSON.parse(`{"constructor": 1, ${JSON.stringify(good).slice(1)}`),
    { ...good, killId: undefined, afterFailedTerm: undefined },
    { ...good, [Symbol('s')]: 1 },
    Object.assign([], good),
    new Date(0),
    new Map(Object.entries(good)),
  ];
}

/** The first field zod names, read off parseRequest's message. */
function field(message: string): string {
  return /^Invalid request for kill: (\w+): /.exec(message)?.[1] ?? '';
}

function expectSame(input: unknown): 'ok' | 'bad' {
  const zod = parseRequest('kill', input);
  const guard = checkKillRequest(input);
  const label = `input ${String(JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))?.slice(0, 300)}`;
  expect(guard.ok, label).toBe(zod.ok);
  if (zod.ok && guard.ok) {
    expect(guard.value, label).toEqual(zod.value);
    return 'ok';
  }
  if (!zod.ok && !guard.ok) {
    expect(guard.error.code, label).toBe(zod.error.code);
    expect(field(guard.error.message), `${label}: ${zod.error.message}`).toBe(field(zod.error.message));
  }
  return 'bad';
}

describe('the kill pipeline’s request guard and KillRequestSchema', () => {
  it('agree on 20 000 generated requests, good and hostile', () => {
    const rnd = random(14);
    const seen = { ok: 0, bad: 0 };
    for (let i = 0; i < 20_000; i += 1) seen[expectSame(generate(rnd))] += 1;
    // Both kinds in bulk, or the comparison proves little.
    expect(seen.ok).toBeGreaterThan(3000);
    expect(seen.bad).toBeGreaterThan(3000);
  });

  it('agree on non-object inputs, prototypes, classes, __proto__ keys and symbols', () => {
    for (const input of oddInputs()) expectSame(input);
  });

  it('agree at every edge of every field', () => {
    const good = { listenerId: 'x', pid: 1, startToken: 'y', mode: 'force' };
    const edges: Record<string, unknown[]> = {
      listenerId: [
        '',
        'a',
        'a'.repeat(300),
        'a'.repeat(301),
        '🙂'.repeat(300),
        '🙂'.repeat(301),
        '\ud83d'.repeat(301),
        `${'🙂'.repeat(299)}\ud83d`,
      ],
      pid: [0, 1, 4_294_967_295, 4_294_967_296, -0, 1.0000001, '1'],
      startToken: [
        '',
        't',
        't'.repeat(64),
        't'.repeat(65),
        '🙂'.repeat(64),
        '🙂'.repeat(65),
        '\udc00\ud83d'.repeat(33),
      ],
      killId: [
        'a'.repeat(7),
        'a'.repeat(8),
        'a'.repeat(64),
        'a'.repeat(65),
        'abcdefg!',
        'abcdefgé',
        'ab_cd-ef',
      ],
      afterFailedTerm: [true, false, 0, 'true', null],
      mode: ['graceful', 'force', 'Force', 'kill', ''],
    };
    for (const [k, values] of Object.entries(edges)) {
      for (const v of values) expectSame({ ...good, [k]: v });
    }
  });

  it('returns a fresh request of the six fields, never the caller’s object', () => {
    const input = { listenerId: 'l', pid: 7, startToken: 't', mode: 'graceful' as const, killId: 'abcdefgh' };
    const r = checkKillRequest(input);
    expect(r.ok && r.value).toEqual(input);
    expect(r.ok && r.value).not.toBe(input);
  });
});
