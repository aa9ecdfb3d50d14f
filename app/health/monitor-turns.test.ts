import { describe, expect, it } from 'vitest';
import type { Health } from '../model/health.js';
import { createHealthMonitor, type ProbeFn } from './monitor.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';

// The monitor's share-out of its ≤ 4 turns (issue 14): a probe whose peer is silent parks and
// gives its turn away, takes one back before it sends again, and only one probe at a time goes
// to any host:port. Real timers, short delays.

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const web = ownerNamed('node', 'node server.js');
const up: Health = { state: 'up', kind: 'tcp', checkedAt: 0, latencyMs: 1 };

describe('monitor turns', () => {
  it('lets other probes run while a silent one is parked, and gives it a turn back before it sends', async () => {
    let active = 0;
    let maxActive = 0;
    const log: string[] = [];
    const probe: ProbeFn = async (listener, { turn }) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      if (listener.port < 3004) {
        // Silent peers: park, wait, then take a turn back to "send" once more.
        turn.park();
        active -= 1;
        await sleep(400);
        await turn.take();
        active += 1;
        maxActive = Math.max(maxActive, active);
        log.push(`sent ${listener.port}`);
      } else {
        await sleep(10);
      }
      active -= 1;
      return up;
    };
    const m = createHealthMonitor({ probe, paused: true });
    const silent = [3000, 3001, 3002, 3003].map((p) => listenerAt('127.0.0.1', p, web));
    const healthy = Array.from({ length: 12 }, (_, i) => listenerAt('127.0.0.1', 4000 + i, web));
    const slow = Promise.all(silent.map((l) => m.checkNow(l, { bulk: true })));
    await Promise.all(healthy.map((l) => m.checkNow(l, { bulk: true })));
    // Twelve 10 ms probes, four at a time, ran while all four silent ones waited parked (400 ms):
    // with the silent ones holding the turns, none of the healthy ones could have finished yet.
    expect(log).toHaveLength(0);
    await slow;
    expect(log).toHaveLength(4);
    expect(maxActive).toBeLessThanOrEqual(4);
    m.dispose();
  });

  it('never lets more than 4 probes hold a turn, however many take one back at once', async () => {
    let active = 0;
    let maxActive = 0;
    const probe: ProbeFn = async (_listener, { turn }) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      turn.park();
      active -= 1;
      await sleep(20);
      await turn.take();
      active += 1;
      maxActive = Math.max(maxActive, active);
      await sleep(5);
      active -= 1;
      return up;
    };
    const m = createHealthMonitor({ probe, paused: true });
    const all = Array.from({ length: 40 }, (_, i) => listenerAt('127.0.0.1', 5000 + i, web));
    await Promise.all(all.map((l) => m.checkNow(l, { bulk: true })));
    expect(maxActive).toBe(4);
    m.dispose();
  });

  it('keeps its turn when too many probes are parked already', async () => {
    let active = 0;
    let maxActive = 0;
    const probe: ProbeFn = async (_listener, { turn }) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      turn.park(); // ignored beyond maxParked: the probe still counts as in flight
      await sleep(20);
      active -= 1;
      return up;
    };
    const m = createHealthMonitor({ probe, paused: true, maxParked: 2, maxInFlight: 2 });
    const all = Array.from({ length: 10 }, (_, i) => listenerAt('127.0.0.1', 5100 + i, web));
    const started = performance.now();
    await Promise.all(all.map((l) => m.checkNow(l, { bulk: true })));
    // 2 parked + 2 in flight at most: at least 3 rounds of 20 ms for 10 probes.
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect(maxActive).toBeLessThanOrEqual(4);
    m.dispose();
  });

  it('probes one host:port at a time, even for two listeners that reach the same socket', async () => {
    const running = new Map<string, number>();
    let overlap = 0;
    const probe: ProbeFn = async () => {
      const key = '127.0.0.1:3000';
      running.set(key, (running.get(key) ?? 0) + 1);
      if ((running.get(key) ?? 0) > 1) overlap += 1;
      await sleep(20);
      running.set(key, (running.get(key) ?? 1) - 1);
      return up;
    };
    const m = createHealthMonitor({ probe, paused: true });
    // 0.0.0.0:3000 is probed at 127.0.0.1:3000, like the explicit 127.0.0.1:3000 listener.
    const a = listenerAt('0.0.0.0', 3000, web);
    const b = listenerAt('127.0.0.1', 3000, web);
    await Promise.all([m.checkNow(a, { bulk: true }), m.checkNow(b, { bulk: true })]);
    expect(overlap).toBe(0);
    m.dispose();
  });
});
