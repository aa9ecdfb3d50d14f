import { describe, expect, it } from 'vitest';
import { canonicalAddress, compressIpv6 } from './address.js';

describe('canonicalAddress', () => {
  it('maps the tools’ wildcard to the family’s any-address', () => {
    expect(canonicalAddress('*', 4)).toBe('0.0.0.0');
    expect(canonicalAddress('*', 6)).toBe('::');
    expect(canonicalAddress('[::]', 6)).toBe('::');
  });
  it('compresses IPv6 the RFC 5952 way and keeps zones', () => {
    expect(canonicalAddress('0000:0000:0000:0000:0000:0000:0000:0001', 6)).toBe('::1');
    expect(canonicalAddress('FE80:0:0:0:1:0:0:1%eth0', 6)).toBe('fe80::1:0:0:1%eth0');
    expect(compressIpv6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(compressIpv6('2001:db8:1:1:1:1:1:1')).toBe('2001:db8:1:1:1:1:1:1');
  });
  it('prints v4-mapped addresses with their IPv4 tail', () => {
    expect(canonicalAddress('::ffff:7f00:1', 6)).toBe('::ffff:127.0.0.1');
  });
  it('rejects text that is not an address of the family', () => {
    expect(canonicalAddress('localhost', 4)).toBeNull();
    expect(canonicalAddress('::1', 4)).toBeNull();
    expect(canonicalAddress('300.1.1.1', 4)).toBeNull();
    expect(canonicalAddress('1:2:3', 6)).toBeNull();
  });
});
