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
  return [...fixed, ...random, ...v6Samples(next)];
}

/** IPv6-like texts: 1–9 groups of good and bad hex, one or two `::`, dotted-quad tails, zones. */
function v6Samples(next: () => number): string[] {
  // The high bits of the generator (its low bits cycle quickly).
  const pick = (n: number): number => Math.floor((next() / 2 ** 31) * n);
  const good = ['0', '1', 'ab', 'ABC', 'ffff', 'FfFf', '0000', 'fe80', '2001', 'db8'];
  const bad = ['12345', 'g', '', ' 1', 'x0', '-1'];
  const quads = ['1.2.3.4', '127.0.0.1', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3'];
  const zones = ['%eth0', '%1', '%', '%en-0.1:2', '%a%b', '%eth 0', '%\n', '%é'];
  const out = [
    ':::',
    '::1:2:3:4:5:6:7',
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::',
    '1:2:3:4:5:6:7:8::',
    '1:2:3:4:5:6::1.2.3.4',
    '1:2:3:4:5::1.2.3.4',
    '1:2:3:4:5:6:1.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1.2.3.4::',
    '::1.2.3.4',
    '::ffff:1.2.3.4:5',
    '1::2:3:4:5:6:7',
    '1::2:3:4:5:6:7:8',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7:8\n',
    '::1%',
  ];
  for (let i = 0; i < 20_000; i += 1) {
    const n = 1 + pick(9);
    const parts = Array.from({ length: n }, () =>
      pick(10) === 0 ? (bad[pick(bad.length)] as string) : (good[pick(good.length)] as string),
    );
    if (pick(4) === 0) parts[n - 1] = quads[pick(quads.length)] as string;
    // `::` mostly between groups (or at an end), sometimes anywhere, sometimes twice.
    const gaps = [0, 1, 1, 1, 2][pick(5)] as number;
    let text = parts.join(':');
    for (let g = 0; g < gaps; g += 1) {
      if (pick(3) > 0) {
        const at = pick(n + 1);
        const before = parts.slice(0, at).join(':');
        const after = parts.slice(at).join(':');
        text = `${before}::${after}`;
      } else {
        const at = pick(text.length + 1);
        text = `${text.slice(0, at)}::${text.slice(at)}`;
      }
    }
    out.push(text + (pick(4) === 0 ? (zones[pick(zones.length)] as string) : ''));
  }
  return out;
}

describe('IP literal checks', () => {
  it('answer exactly as node:net does', () => {
    const all = samples();
    // Both answers in bulk for IPv6, or the comparison proves little.
    expect(all.filter((s) => net.isIPv6(s)).length).toBeGreaterThan(2000);
    expect(all.filter((s) => s.includes(':') && !net.isIPv6(s)).length).toBeGreaterThan(2000);
    for (const s of all) {
      expect([s, isIPv4(s)]).toEqual([s, net.isIPv4(s)]);
      expect([s, isIPv6(s)]).toEqual([s, net.isIPv6(s)]);
      expect([s, isIP(s)]).toEqual([s, net.isIP(s)]);
    }
  });
});
