import { describe, expect, it } from 'vitest';
import { BAD_PORT_TEXTS } from '../testing/bad-input.js';
import { parsePid, parsePort, parsePortQuery } from './port.js';

describe('parsePort', () => {
  it.each(['1', '80', '3000', '65535'])('accepts %j', (text) => {
    expect(parsePort(text)).toEqual({ ok: true, value: Number(text) });
  });
  it.each(BAD_PORT_TEXTS)('rejects %j and names the valid range', (text) => {
    const r = parsePort(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_PORT');
      expect(r.error.message).toContain('1–65535');
    }
  });
  it('accepts integer numbers in range and rejects the rest, with no coercion', () => {
    expect(parsePort(8080)).toEqual({ ok: true, value: 8080 });
    for (const bad of [0, 65536, 1.5, Number.NaN, -1, null, undefined, true, {}, ['80']])
      expect(parsePort(bad).ok).toBe(false);
  });
});

describe('parsePortQuery', () => {
  it('reads the forms users type', () => {
    expect(parsePortQuery(':3000')).toEqual({ ok: true, value: { host: null, port: 3000 } });
    expect(parsePortQuery('localhost:8080')).toEqual({ ok: true, value: { host: 'localhost', port: 8080 } });
    expect(parsePortQuery('[::1]:5173')).toEqual({ ok: true, value: { host: '::1', port: 5173 } });
    expect(parsePortQuery('443')).toEqual({ ok: true, value: { host: null, port: 443 } });
  });
  it('says "port must be 1–65535" for localhost:619009', () => {
    const r = parsePortQuery('localhost:619009');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/port must be 1–65535/);
  });
});

describe('parsePid', () => {
  it.each(['0', '-1', '12abc', '', ' 12', '1.0', '0x10', '99999999999'])('rejects %j', (text) => {
    const r = parsePid(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INVALID_PID');
  });
  it('accepts a plain pid', () => expect(parsePid('4242')).toEqual({ ok: true, value: 4242 }));
});
