import { describe, expect, it } from 'vitest';
import { withScope } from './address.js';
import { buildDumpRequest, decodeDiagDatagram } from './netlink-diag.js';

/** One SOCK_DIAG_BY_FAMILY reply message for a TCP6 listener, as the kernel lays it out. */
function diagMessage(address: number[], port: number, ifIndex: number, inode = 4242): Buffer {
  const buf = Buffer.alloc(16 + 72);
  buf.writeUInt32LE(buf.length, 0);
  buf.writeUInt16LE(20, 4); // SOCK_DIAG_BY_FAMILY
  const m = 16;
  buf.writeUInt8(10, m); // AF_INET6
  buf.writeUInt8(10, m + 1); // TCP_LISTEN
  buf.writeUInt16BE(port, m + 4);
  address.forEach((group, i) => buf.writeUInt16BE(group, m + 8 + i * 2));
  buf.writeUInt32LE(ifIndex, m + 40); // idiag_if
  buf.writeUInt32LE(1000, m + 64);
  buf.writeUInt32LE(inode, m + 68);
  return buf;
}

const names = (i: number): string | null => (i === 7 ? 'veth0' : null);

describe('link-local IPv6 keeps its interface (sock_diag idiag_if)', () => {
  it('adds the interface name to a fe80:: bind', () => {
    const d = decodeDiagDatagram(diagMessage([0xfe80, 0, 0, 0, 0, 0, 0, 1], 8080, 7), 'tcp', names);
    expect(d.sockets[0]?.address).toBe('fe80::1%veth0');
  });

  it('falls back to the index when the interface has no name', () => {
    const d = decodeDiagDatagram(diagMessage([0xfe80, 0, 0, 0, 0, 0, 0, 1], 8080, 9), 'tcp', names);
    expect(d.sockets[0]?.address).toBe('fe80::1%9');
  });

  it('leaves global, loopback and unbound addresses unchanged', () => {
    const global = decodeDiagDatagram(diagMessage([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], 80, 7), 'tcp', names);
    expect(global.sockets[0]?.address).toBe('2001:db8::1');
    const loop = decodeDiagDatagram(diagMessage([0, 0, 0, 0, 0, 0, 0, 1], 80, 1), 'tcp', names);
    expect(loop.sockets[0]?.address).toBe('::1');
    const unbound = decodeDiagDatagram(diagMessage([0xfe80, 0, 0, 0, 0, 0, 0, 1], 80, 0), 'tcp', names);
    expect(unbound.sockets[0]?.address).toBe('fe80::1');
  });

  it('never lets an odd interface name into the address', () => {
    expect(withScope('fe80::1', 3, () => 'a b/c')).toBe('fe80::1%3');
    expect(withScope('fe80::1%eth0', 3, () => 'veth0')).toBe('fe80::1%eth0');
  });

  it('asks the kernel for listeners only (the request it decodes replies to)', () => {
    expect(buildDumpRequest({ family: 6, protocol: 'tcp' }, 1).readUInt8(16)).toBe(10);
  });
});
