import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import { DEFAULT_SETTINGS } from '../model/settings.js';
import type { Snapshot } from '../model/snapshot.js';
import { createHarbormasterService } from '../service/create-service.js';
import { createHealthMonitor, type HealthMonitor, type ProbeFn } from './monitor.js';
import { PROBE_DEADLINE_MS, probeListener } from './probe.js';
import { startFleet, type Fleet, type FleetStats } from './test-support/fleet.js';
import { countingProbe } from '../testing/counting-probe.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';

// Issue 14, item 1: health for 100 listeners in ≤ 2 s with ≤ 4 probes in flight; silent listeners
// cost one deadline in all, not one each. Real servers in a child process, real probes.

const web = (pid: number) => ownerNamed('node', 'node scripts/health-fleet.mjs', pid);
const listenersOf = (ports: readonly number[], pid: number, name = 'node'): Listener[] =>
  ports.map((p) =>
    listenerAt('127.0.0.1', p, name === 'node' ? web(pid) : ownerNamed(name, `${name} app`, pid)),
  );

/**
 * The floor on this machine now: the same probes, all at once, no limit. On a machine so loaded
 * that even the floor is slow, a 2 s wall says nothing about the scheduler; the limit then is a
 * multiple of the floor (printed, so a loaded run is visible).
 */
async function budgetMs(listeners: readonly Listener[]): Promise<number> {
  const started = performance.now();
  await Promise.all(listeners.map((l) => probeListener(l, { onRequest: false })));
  const floor = performance.now() - started;
  const budget = Math.max(2000, 4 * floor);
  if (budget > 2000)
    console.warn(
      `machine loaded: the unlimited floor took ${floor.toFixed(0)} ms, so the budget is ${budget.toFixed(0)} ms, not 2000 ms`,
    );
  return budget;
}

/** Waits until the fleet has seen every earlier connection close, then starts its counters again. */
async function quiet(fleet: Fleet): Promise<FleetStats> {
  for (let i = 0; i < 100 && (await fleet.stats()).open > 0; i += 1) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return fleet.reset();
}

async function checkAll(
  listeners: readonly Listener[],
  probe: ProbeFn,
): Promise<{ ms: number; results: Health[] }> {
  const monitor = createHealthMonitor({ probe, paused: true });
  const started = performance.now();
  try {
    const results = await Promise.all(listeners.map((l) => monitor.checkNow(l, { bulk: true })));
    return { ms: performance.now() - started, results };
  } finally {
    monitor.dispose();
  }
}

describe('health throughput against real listeners (issue 14)', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet(100, 100);
  }, 60_000);
  afterAll(() => fleet?.stop());

  it('probes 100 healthy HTTP listeners in ≤ 2 s with at most 4 probes in flight, one connection each', async () => {
    const listeners = listenersOf(fleet.http, fleet.pid);
    const budget = await budgetMs(listeners);
    const before = await quiet(fleet);
    const counting = countingProbe();
    const { ms, results } = await checkAll(listeners, counting.probe);
    const after = await fleet.stats();
    console.log(
      `100 healthy: ${ms.toFixed(0)} ms wall, ${counting.maxInFlight()} in flight at most, ` +
        `${after.maxOpen} connections open at most (server side)`,
    );
    expect(results.filter((h) => h.state === 'up' && h.kind === 'http' && h.status === 200)).toHaveLength(
      100,
    );
    expect(ms).toBeLessThanOrEqual(budget);
    expect(counting.maxInFlight()).toBeLessThanOrEqual(4);
    // Each probe made one connection and sent one GET (what the server side counts is only logged:
    // other sessions on this machine probe every listener they see, these included).
    expect(results.every((h) => h.state === 'up' && h.sent?.length === 1)).toBe(true);
    expect(after.connections - before.connections).toBeGreaterThanOrEqual(100);
  }, 30_000);

  it('100 silent listeners of a web-looking owner cost about one deadline in all, not one each', async () => {
    const counting = countingProbe();
    const { ms, results } = await checkAll(listenersOf(fleet.silent, fleet.pid), counting.probe);
    console.log(
      `100 silent (web owner): ${ms.toFixed(0)} ms wall, ${counting.maxInFlight()} in flight at most`,
    );
    expect(results.every((h) => h.state === 'timeout')).toBe(true);
    // Four at a time, one deadline each, would be 25 deadlines (50 s).
    expect(ms).toBeLessThan(2 * PROBE_DEADLINE_MS);
    expect(counting.maxInFlight()).toBeLessThanOrEqual(4);
  }, 60_000);

  it('100 silent listeners of other owners are connected to and sent nothing, in well under a deadline', async () => {
    const before = await quiet(fleet);
    const counting = countingProbe();
    const { ms, results } = await checkAll(listenersOf(fleet.silent, fleet.pid, 'python3'), counting.probe);
    const after = await fleet.stats();
    console.log(`100 silent (other owner): ${ms.toFixed(0)} ms wall`);
    expect(results.every((h) => h.state === 'up' && h.kind === 'tcp' && h.sent?.length === 0)).toBe(true);
    console.log(
      `bytes the silent servers received meanwhile (from anyone): ${after.silentBytes - before.silentBytes}`,
    );
    expect(ms).toBeLessThan(PROBE_DEADLINE_MS);
    expect(counting.maxInFlight()).toBeLessThanOrEqual(4);
  }, 60_000);

  it('silent listeners do not hold up healthy ones probed with them', async () => {
    const counting = countingProbe();
    const healthy = listenersOf(fleet.http, fleet.pid);
    const budget = await budgetMs(healthy);
    const silent = listenersOf(fleet.silent.slice(0, 50), fleet.pid);
    const monitor = createHealthMonitor({ probe: counting.probe, paused: true });
    const started = performance.now();
    try {
      // Silent ones first: the worst order for the healthy ones.
      const slow = Promise.all(silent.map((l) => monitor.checkNow(l, { bulk: true })));
      const fast = await Promise.all(healthy.map((l) => monitor.checkNow(l, { bulk: true })));
      const ms = performance.now() - started;
      console.log(`100 healthy behind 50 silent: ${ms.toFixed(0)} ms wall`);
      expect(fast.every((h) => h.state === 'up' && h.kind === 'http')).toBe(true);
      expect(ms).toBeLessThanOrEqual(budget);
      await slow;
    } finally {
      monitor.dispose();
    }
    expect(counting.maxInFlight()).toBeLessThanOrEqual(4);
  }, 60_000);
});

describe.runIf(process.platform === 'linux')(
  'the window’s path: scanner, service and monitor (issue 14)',
  () => {
    it('shows health for all 100 listeners within 2 s of the first snapshot that lists them', async () => {
      const fleet = await startFleet(100);
      // Measured before the service starts probing, so the floor and the monitor do not share a run.
      const budget = await budgetMs(listenersOf(fleet.http, fleet.pid));
      const monitor = createHealthMonitor({ selfPid: process.pid });
      // Probe only this test's fleet: other sessions' listeners are not ours to probe.
      const health: HealthMonitor = {
        ...monitor,
        observe: (ls) =>
          monitor.observe(ls.filter((l) => l.owner.kind === 'process' && l.owner.pid === fleet.pid)),
      };
      const service = await createHarbormasterService({
        health,
        settings: { ...DEFAULT_SETTINGS, pollIntervalMs: 1000 },
      });
      try {
        const ours = (s: Snapshot): Listener[] =>
          s.listeners.filter((l) => l.owner.kind === 'process' && l.owner.pid === fleet.pid);
        let firstAt: number | null = null;
        const allUpAt = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('not all up within 20 s')), 20_000);
          service.onSnapshot((s) => {
            const mine = ours(s);
            if (mine.length < 100) return;
            firstAt ??= performance.now();
            if (mine.every((l) => l.health.state === 'up' && l.health.kind === 'http')) {
              clearTimeout(timer);
              resolve(performance.now());
            }
          });
        });
        const ms = allUpAt - (firstAt ?? allUpAt);
        console.log(`window path: all 100 up ${ms.toFixed(0)} ms after the first snapshot listing them`);
        expect(ms).toBeLessThanOrEqual(budget);
      } finally {
        await service.dispose();
        fleet.stop();
      }
    }, 60_000);
  },
);
