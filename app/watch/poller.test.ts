import { describe, expect, it } from 'vitest';
import { createPoller, type PollerClock } from './poller.js';

/** A manual clock: timers fire only when the test advances time. */
function fakeClock() {
  let t = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: PollerClock = {
    now: () => t,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: t + ms, fn });
      return id;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  return {
    clock,
    pending: () => [...timers.values()].map((x) => x.at - t),
    async advance(ms: number) {
      const end = t + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        t = due[1].at;
        due[1].fn();
        for (let i = 0; i < 20; i += 1) await Promise.resolve();
      }
      t = end;
      for (let i = 0; i < 20; i += 1) await Promise.resolve();
    },
    set: (v: number) => {
      t = v;
    },
  };
}

const flush = async () => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

describe('createPoller', () => {
  it('never overlaps itself when a scan is slower than the interval', async () => {
    const fc = fakeClock();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const resolvers: (() => void)[] = [];
    const poller = createPoller({
      intervalMs: 100,
      clock: fc.clock,
      task: () => {
        calls += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        return new Promise<number>((r) =>
          resolvers.push(() => {
            active -= 1;
            r(calls);
          }),
        );
      },
    });
    poller.start();
    await fc.advance(1000); // the scan is still running after 10 intervals
    expect(calls).toBe(1);
    expect(fc.pending()).toEqual([]); // nothing scheduled while a scan is in flight
    const joined = poller.refresh(); // joins the scan in flight instead of starting another
    expect(calls).toBe(1);
    resolvers.shift()?.();
    await expect(joined).resolves.toBe(1);
    expect(maxActive).toBe(1);
  });

  it('schedules the next scan after the last one finishes and stretches for slow scans', async () => {
    const fc = fakeClock();
    let calls = 0;
    const poller = createPoller({
      intervalMs: 100,
      maxDutyCycle: 0.25,
      clock: fc.clock,
      task: async () => {
        calls += 1;
        fc.set(fc.clock.now() + 200); // each scan takes 200 ms
        return calls;
      },
    });
    poller.start();
    await flush();
    expect(calls).toBe(1);
    // 200 ms of scanning at ≤ 25 % duty → wait 600 ms, not 100.
    expect(poller.nextDelayMs).toBe(600);
    await fc.advance(599);
    expect(calls).toBe(1);
    await fc.advance(1);
    expect(calls).toBe(2);
  });

  it('backs off exponentially on repeated errors and recovers after a success', async () => {
    const fc = fakeClock();
    let fail = true;
    let calls = 0;
    const errors: unknown[] = [];
    const poller = createPoller({
      intervalMs: 100,
      maxBackoffMs: 1000,
      clock: fc.clock,
      task: async () => {
        calls += 1;
        if (fail) throw new Error('scan failed');
        return calls;
      },
    });
    poller.onError((e) => errors.push(e));
    poller.start();
    await flush();
    const delays = [poller.nextDelayMs];
    for (let i = 0; i < 4; i += 1) {
      await fc.advance(poller.nextDelayMs);
      delays.push(poller.nextDelayMs);
    }
    expect(delays).toEqual([200, 400, 800, 1000, 1000]);
    expect(errors).toHaveLength(5);
    fail = false;
    await fc.advance(poller.nextDelayMs);
    expect(poller.consecutiveErrors).toBe(0);
    expect(poller.nextDelayMs).toBe(100);
  });

  it('treats failed results as errors for back-off when told how to recognise them', async () => {
    const fc = fakeClock();
    const poller = createPoller({
      intervalMs: 100,
      clock: fc.clock,
      task: async () => 'failed',
      isFailure: (r) => r === 'failed',
    });
    poller.start();
    await flush();
    expect(poller.consecutiveErrors).toBe(1);
    expect(poller.nextDelayMs).toBe(200);
  });

  it('does not scan while paused and scans at once on resume', async () => {
    const fc = fakeClock();
    let calls = 0;
    const seen: number[] = [];
    const poller = createPoller({ intervalMs: 100, clock: fc.clock, task: async () => ++calls });
    poller.subscribe((n) => seen.push(n));
    poller.start();
    await flush();
    poller.pause();
    await fc.advance(10_000);
    expect(calls).toBe(1);
    poller.resume();
    await flush();
    expect(calls).toBe(2);
    await fc.advance(100);
    expect(seen).toEqual([1, 2, 3]);
    poller.stop();
    await fc.advance(10_000);
    expect(calls).toBe(3);
  });
});
