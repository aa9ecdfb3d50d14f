import { describe, expect, it } from 'vitest';
import { parseSsListenQueues, readDynamicRange, stateMeaning } from './system-facts.js';

describe('system facts for why', () => {
  it('reads accept queue length and backlog from ss', () => {
    const text =
      'LISTEN 2      1          127.0.0.1:41234      0.0.0.0:*\nLISTEN 0      511             [::1]:41234         [::]:*\ngarbage\n';
    expect(parseSsListenQueues(text)).toEqual([
      { address: '127.0.0.1', port: 41234, queued: 2, backlog: 1 },
      { address: '::1', port: 41234, queued: 0, backlog: 511 },
    ]);
  });
  it('maps process states: stopped, zombie, exiting', () => {
    expect(['T', 't', 'Z', 'X', 'S', 'R', 'D'].map(stateMeaning)).toEqual([
      'stopped',
      'stopped',
      'zombie',
      'exiting',
      'running',
      'running',
      'disk-wait',
    ]);
  });
  it('reads the dynamic range from the OS, else uses 49152–65535', () => {
    const r = readDynamicRange();
    expect(r.low).toBeLessThanOrEqual(r.high);
    expect(readDynamicRange('/nonexistent')).toMatchObject({ low: 49152, high: 65535 });
  });
});
