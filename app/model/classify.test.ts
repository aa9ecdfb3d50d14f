import { describe, expect, it } from 'vitest';
import { exposureOf, portRange } from './classify.js';
import { knownService, knownServicePorts } from './services.js';

describe('classification', () => {
  it('tells loopback from all interfaces from one specific address', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(exposureOf)).toEqual(
      Array(4).fill('loopback'),
    );
    expect(['0.0.0.0', '::', '*'].map(exposureOf)).toEqual(Array(3).fill('all-interfaces'));
    expect(['192.168.1.20', '10.0.0.5', 'fe80::1%eth0', '2001:db8::1'].map(exposureOf)).toEqual(
      Array(4).fill('specific'),
    );
  });
  it('classifies the IANA ranges at their edges', () => {
    expect([0, 1023, 1024, 49151, 49152, 65535].map(portRange)).toEqual([
      'well-known',
      'well-known',
      'registered',
      'registered',
      'dynamic',
      'dynamic',
    ]);
  });
  it('knows common services and marks databases and printers never-HTTP', () => {
    expect(knownService(22)).toMatchObject({ name: 'SSH', neverHttp: true });
    expect(knownService(5432)).toMatchObject({ name: 'PostgreSQL', category: 'database', neverHttp: true });
    expect(knownService(6379)).toMatchObject({ name: 'Redis', neverHttp: true });
    expect(knownService(9100)).toMatchObject({ neverHttp: true });
    expect(knownService(5173)).toMatchObject({ name: 'Vite', category: 'web', neverHttp: false });
    expect(knownService(3000)).toMatchObject({ name: 'dev server', neverHttp: false });
    expect(knownService(12345)).toBeNull();
    for (const p of [22, 25, 3306, 5432, 6379, 9100, 9107, 9222, 9229, 11211, 27017])
      expect(knownService(p)?.neverHttp).toBe(true);
    expect(knownServicePorts().length).toBeGreaterThan(80);
  });
});
