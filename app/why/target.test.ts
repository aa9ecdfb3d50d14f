import { describe, expect, it } from 'vitest';
import { BAD_PORT_QUERIES } from '../testing/bad-input.js';
import { isThisMachine, localIdentity, parseWhyTarget } from './target.js';

const here = { addresses: new Set(['127.0.0.1', '::1', '192.0.2.2', 'fe80::1']), hostname: 'devbox' };

describe('why targets', () => {
  it.each([
    ['3000', { host: 'localhost', isName: true, port: 3000, scheme: null, path: '/' }],
    ['localhost:57573', { host: 'localhost', port: 57573 }],
    ['127.0.0.1:8080', { host: '127.0.0.1', isName: false, port: 8080 }],
    ['[::1]:8080', { host: '::1', isName: false, port: 8080 }],
    ['http://localhost:3000/api?x=1', { host: 'localhost', port: 3000, scheme: 'http', path: '/api?x=1' }],
    ['https://127.0.0.1/', { host: '127.0.0.1', port: 443, scheme: 'https' }],
    ['http://[::1]:8443', { host: '::1', port: 8443, scheme: 'http', path: '/' }],
    ['192.0.2.2:80', { host: '192.0.2.2', port: 80 }],
    ['devbox:22', { host: 'devbox', isName: true, port: 22 }],
    ['app.localhost:5173', { host: 'app.localhost', port: 5173 }],
  ])('parses %s', (input, expected) => {
    const r = parseWhyTarget(input, here);
    expect(r.ok && r.value).toMatchObject(expected);
  });

  it.each([...BAD_PORT_QUERIES, 'http://localhost:619009/', 'http://localhost:0x50'])(
    'rejects the bad port %j with the valid range',
    (input) => {
      const r = parseWhyTarget(input, here);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/port must be 1–65535/);
    },
  );

  it.each(['example.com:80', '10.99.99.99:80', 'http://example.com/', '[2001:db8::1]:80', '8.8.8.8:53'])(
    'refuses %s: Harbormaster diagnoses this machine only',
    (input) => {
      const r = parseWhyTarget(input, here);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/^Harbormaster diagnoses this machine only/);
    },
  );

  it('rejects other schemes and malformed hosts', () => {
    expect(parseWhyTarget('ftp://localhost:21', here).ok).toBe(false);
    expect(parseWhyTarget('local\u001b[31mhost:80', here).ok).toBe(false);
  });

  it('knows this machine’s own addresses from the OS', () => {
    const me = localIdentity();
    expect(me.addresses.has('127.0.0.1')).toBe(true);
    for (const a of me.addresses) expect(isThisMachine(a, me)).toBe(true);
    expect(isThisMachine('127.0.0.2', me)).toBe(true);
  });
});
