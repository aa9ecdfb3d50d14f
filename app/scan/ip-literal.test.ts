import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIP, isIPv4, isIPv6 } from './ip-literal.js';

/** Texts around every edge of the two grammars, and random dotted quads. */
function samples(): string[] {
  const fixed = [
    '0.0.0.0',
    '127.0.0.1',
    '255.255.255.255',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1..3.4',
    '1.2.3.-4',
    '१.२.३.४',
    '1.2.3.4\n',
    '',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    'fe80::1%eth0',
    'fe80::1%',
    '1:2:3:4:5:6:7:8',
    '1::2::3',
    '[::1]',
    'localhost',
    '0x7f.0.0.1',
    '2130706433',
    '1.2.3.4%eth0',
    '999.1.1.1',
    '25.25.25.255',
  ];
  const random: string[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const parts = [
    '0',
    '00',
    '1',
    '9',
    '10',
    '99',
    '100',
    '199',
    '200',
    '249',
    '250',
    '255',
    '256',
    '300',
    '012',
  ];
  for (let i = 0; i < 2000; i += 1) {
    const n = 3 + (next() % 3);
    random.push(Array.from({ length: n }, () => parts[next() % parts.length]).join('.'));
  }
  return [...fixed, ...random];
}

describe('IP literal checks', () => {
  it('answer exactly as node:net does', () => {
    for (const s of samples()) {
      expect([s, isIPv4(s)]).toEqual([s, net.isIPv4(s)]);
      expect([s, isIPv6(s)]).toEqual([s, net.isIPv6(s)]);
      expect([s, isIP(s)]).toEqual([s, net.isIP(s)]);
    }
  });
});
