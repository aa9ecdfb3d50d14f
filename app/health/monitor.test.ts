import { afterEach, describe, expect, it } from 'vitest';
import type { Health } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import {
  createHealthMonitor,
  sameHealth,
  type HealthMonitor,
  type MonitorClock,
  type ProbeFn,
} from './monitor.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';
import { startHttpServer, type TestServer } from './test-support/servers.js';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements MonitorClock {
  private t = 0;
  private nextId = 1;
  private timers: { id: number; at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  wallNow(): number {
    return 1_700_000_000_000 + this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** Moves time forward, firing due timers in order and letting promise chains settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Call {
  readonly id: string;
  readonly at: number;
  readonly onRequest: boolean;
}

/** A fake probe that takes `durationMs` of fake time and answers `answer(listener)`. */
function fakeProbe(
  clock: FakeClock,
  durationMs: number,
  answer: (l: Listener) => Health = () => ({ state: 'up', kind: 'tcp', checkedAt: 0, latencyMs: 1 }),
): { probe: ProbeFn; calls: Call[]; maxActive: () => number } {
  const calls: Call[] = [];
  let active = 0;
  let maxActive = 0;
  const probe: ProbeFn = (listener, options) =>
    new Promise((resolve) => {
      calls.push({ id: listener.id, at: clock.now(), onRequest: options.onRequest });
      active += 1;
      maxActive = Math.max(maxActive, active);
      clock.setTimeout(() => {
        active -= 1;
        resolve(answer(listener));
      }, durationMs);
    });
  return { probe, calls, maxActive: () => maxActive };
}

const web = ownerNamed('node', 'node server.js');
const listeners = (n: number, base = 3000): Listener[] =>
  Array.from({ length: n }, (_, i) => listenerAt('127.0.0.1', base + i, web));

const monitors: HealthMonitor[] = [];
afterEach(() => {
  for (const m of monitors.splice(0)) m.dispose();
});
function monitor(...args: Parameters<typeof createHealthMonitor>): HealthMonitor {
  const m = createHealthMonitor(...args);
  monitors.push(m);
  return m;
}

describe('createHealthMonitor scheduling', () => {
  it('never runs more than 4 probes at once, and probes every listener', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 700);
    const m = monitor({ clock, probe: fake.probe, jitter: 0 });
    m.observe(listeners(12));
    await clock.advance(10_000);
    expect(fake.maxActive()).toBe(4);
    expect(new Set(fake.calls.map((c) => c.id)).size).toBe(12);
  });

  it('honours a configured concurrency limit and spaces probe starts', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 300);
    const m = monitor({ clock, probe: fake.probe, maxInFlight: 2, minStartGapMs: 100, jitter: 0 });
    m.observe(listeners(6));
    await clock.advance(5_000);
    expect(fake.maxActive()).toBe(2);
    const starts = fake.calls.map((c) => c.at);
    for (let i = 1; i < starts.length; i += 1) {
      expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(100);
    }
  });

  it('probes a listener never probed before the re-probes already due', async () => {
    const clock = new FakeClock();
    // Silent listeners: each probe holds its turn for the 2 s deadline, then times out.
    const fake = fakeProbe(clock, 2_000, () => ({
      state: 'timeout',
      checkedAt: 0,
      latencyMs: 2_000,
      detail: 'x',
    }));
    const m = monitor({ clock, probe: fake.probe, jitter: 0, maxInFlight: 1 });
    const silent = listeners(6);
    m.observe(silent);
    // 12 s: every silent one has failed once and its 5 s retry is due or running.
    await clock.advance(12_000);
    const started = listenerAt('127.0.0.1', 4000, web);
    m.observe([...silent, started]);
    const before = fake.calls.length;
    await clock.advance(2_000); // the probe running now finishes; the next one starts
    const next = fake.calls.slice(before).map((c) => c.id);
    expect(next[0]).toBe(started.id);
  });

  it('backs off after failures: 5 s, 10 s, 20 s, … up to the cap', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 0, () => ({ state: 'refused', checkedAt: 0, latencyMs: 0 }));
    const m = monitor({ clock, probe: fake.probe, jitter: 0, retryMaxMs: 60_000 });
    m.observe(listeners(1));
    await clock.advance(400_000);
    const gaps = fake.calls.slice(1).map((c, i) => c.at - (fake.calls[i]?.at ?? 0));
    expect(gaps.slice(0, 6)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(m.get(listeners(1)[0]?.id ?? '').state).toBe('refused');
  });

  it('re-probes a healthy listener slowly (every 30 s) and resets the back-off once it answers', async () => {
    const clock = new FakeClock();
    let answer: Health = { state: 'timeout', checkedAt: 0, latencyMs: 2000 };
    const fake = fakeProbe(clock, 0, () => answer);
    const m = monitor({ clock, probe: fake.probe, jitter: 0 });
    m.observe(listeners(1));
    await clock.advance(16_000); // t=0 fail, t=5 s fail, t=15 s fail (next in 20 s)
    expect(fake.calls.map((c) => c.at)).toEqual([0, 5_000, 15_000]);
    answer = { state: 'up', kind: 'http', status: 200, checkedAt: 0, latencyMs: 3 };
    await clock.advance(100_000);
    expect(fake.calls.map((c) => c.at)).toEqual([0, 5_000, 15_000, 35_000, 65_000, 95_000]);
  });

  it('spreads delays with jitter within ±20 %', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 0);
    const m = monitor({ clock, probe: fake.probe, random: () => 0.999 });
    m.observe(listeners(1));
    await clock.advance(40_000);
    expect(fake.calls.map((c) => c.at)).toEqual([0, 35_988]);
  });

  it('forgets listeners that are no longer observed and never probes them again', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 200);
    const m = monitor({ clock, probe: fake.probe, jitter: 0 });
    const [a, b] = listeners(2);
    if (!a || !b) throw new Error('fixture');
    m.observe([a, b]);
    await clock.advance(1_000);
    m.observe([a]);
    await clock.advance(600_000);
    expect(fake.calls.filter((c) => c.id === b.id)).toHaveLength(1);
    expect(fake.calls.filter((c) => c.id === a.id).length).toBeGreaterThan(10);
    expect(m.get(b.id)).toEqual({ state: 'unknown' });
  });

  it('ignores the result of a probe whose listener was forgotten while it ran', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 1_000);
    const m = monitor({ clock, probe: fake.probe });
    const [a] = listeners(1);
    if (!a) throw new Error('fixture');
    m.observe([a]);
    await clock.advance(10);
    expect(m.get(a.id).state).toBe('checking');
    m.observe([]);
    await clock.advance(5_000);
    expect(m.get(a.id)).toEqual({ state: 'unknown' });
  });

  it('does not probe while paused, and picks up again on resume', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 100);
    const m = monitor({ clock, probe: fake.probe, paused: true, jitter: 0 });
    m.observe(listeners(3));
    await clock.advance(120_000);
    expect(fake.calls).toHaveLength(0);
    m.resume();
    await clock.advance(1_000);
    expect(fake.calls).toHaveLength(3);
    m.pause();
    await clock.advance(600_000);
    expect(fake.calls).toHaveLength(3);
  });

  it('still answers checkNow while paused, with HTTP allowed (onRequest), and shows checking meanwhile', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 500, () => ({
      state: 'up',
      kind: 'http',
      status: 204,
      checkedAt: 0,
      latencyMs: 2,
    }));
    const m = monitor({ clock, probe: fake.probe, paused: true });
    const [a] = listeners(1);
    if (!a) throw new Error('fixture');
    m.observe([a]);
    const first = m.checkNow(a);
    const second = m.checkNow(a);
    await clock.advance(100);
    expect(m.get(a.id).state).toBe('checking');
    await clock.advance(1_000);
    await expect(first).resolves.toMatchObject({ state: 'up', status: 204 });
    await expect(second).resolves.toMatchObject({ state: 'up', status: 204 });
    expect(fake.calls).toEqual([{ id: a.id, at: 0, onRequest: true }]);
    expect(m.get(a.id)).toMatchObject({ state: 'up', status: 204 });
  });

  it('keeps the last result (no flicker) while an automatic re-probe runs', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 1_000);
    const m = monitor({ clock, probe: fake.probe, jitter: 0 });
    const [a] = listeners(1);
    if (!a) throw new Error('fixture');
    m.observe([a]);
    await clock.advance(30_500); // the first probe ended at 1 s, the next starts at 31 s
    await clock.advance(1_000);
    expect(fake.calls).toHaveLength(2);
    expect(m.get(a.id).state).toBe('up');
  });

  it('tells subscribers about changes a user would see, not about identical re-probes', async () => {
    const clock = new FakeClock();
    let status = 200;
    const fake = fakeProbe(clock, 10, () => ({
      state: 'up',
      kind: 'http',
      status,
      checkedAt: clock.now(),
      latencyMs: 1,
    }));
    const m = monitor({ clock, probe: fake.probe, jitter: 0 });
    const seen: string[] = [];
    m.onUpdate((id, h) => seen.push(`${id} ${h.state}${h.state === 'up' ? ` ${h.status ?? ''}` : ''}`));
    const [a] = listeners(1);
    if (!a) throw new Error('fixture');
    m.observe([a]);
    await clock.advance(100_000);
    expect(fake.calls.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual([`${a.id} checking`, `${a.id} up 200`]);
    status = 503;
    await clock.advance(30_000);
    expect(seen.at(-1)).toBe(`${a.id} up 503`);
  });

  it('never schedules UDP listeners or printer ports, and says why', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 10);
    const m = monitor({ clock, probe: fake.probe });
    const udp = listenerAt('127.0.0.1', 5353, web, 'udp');
    const printer = listenerAt('127.0.0.1', 9100, ownerNamed('cupsd'));
    m.observe([udp, printer]);
    await clock.advance(600_000);
    expect(fake.calls).toHaveLength(0);
    expect(m.get(udp.id)).toEqual({ state: 'unknown', reason: 'UDP is not probed' });
    expect(m.get(printer.id)).toMatchObject({ state: 'unknown', reason: expect.stringContaining('Printer') });
  });

  it('does not probe its own process automatically, only on request', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 10);
    const m = monitor({ clock, probe: fake.probe, selfPid: 777 });
    const own = listenerAt('127.0.0.1', 4321, ownerNamed('node', 'harbormaster serve', 777));
    m.observe([own]);
    await clock.advance(60_000);
    expect(fake.calls).toHaveLength(0);
    const checked = m.checkNow(own);
    await clock.advance(600_000);
    await expect(checked).resolves.toMatchObject({ state: 'up' });
    expect(fake.calls).toHaveLength(1);
  });

  it('looks again soon when a different process takes over the same socket id', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 10);
    const m = monitor({ clock, probe: fake.probe, jitter: 0 });
    const before = listenerAt('127.0.0.1', 3000, ownerNamed('node', 'node a.js', 100));
    m.observe([before]);
    await clock.advance(1_000);
    m.observe([{ ...before, owner: ownerNamed('node', 'node b.js', 200) }]);
    await clock.advance(1_000);
    expect(fake.calls.map((c) => c.at)).toEqual([0, 1_000]);
  });

  it('stops for good on dispose', async () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 10);
    const m = createHealthMonitor({ clock, probe: fake.probe });
    m.observe(listeners(2));
    await clock.advance(50);
    const before = fake.calls.length;
    m.dispose();
    await clock.advance(600_000);
    expect(fake.calls).toHaveLength(before);
    await expect(m.checkNow(listeners(1)[0] as Listener)).resolves.toMatchObject({ state: 'unknown' });
    expect(fake.calls).toHaveLength(before);
  });

  it('turns a probe that throws into an error value instead of crashing', async () => {
    const clock = new FakeClock();
    const m = monitor({
      clock,
      probe: () => Promise.reject(new Error('kaboom')),
    });
    const [a] = listeners(1);
    if (!a) throw new Error('fixture');
    await expect(m.checkNow(a)).resolves.toMatchObject({ state: 'error', message: 'kaboom' });
  });
});

describe('sameHealth', () => {
  it('ignores timestamps and latency but not what a user sees', () => {
    const a: Health = { state: 'up', kind: 'http', status: 200, checkedAt: 1, latencyMs: 5 };
    expect(sameHealth(a, { ...a, checkedAt: 99, latencyMs: 7 })).toBe(true);
    expect(sameHealth(a, { ...a, status: 500 })).toBe(false);
    expect(sameHealth({ state: 'checking', since: 1 }, { state: 'checking', since: 2 })).toBe(true);
  });
});

describe('createHealthMonitor with real probes', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('probes a real web server automatically and reports it up through onUpdate', async () => {
    const s = await startHttpServer((_req, res) => res.end('<title>Live</title>'));
    servers.push(s);
    const m = monitor();
    const listener = listenerAt('127.0.0.1', s.port, web);
    const up = new Promise<Health>((resolve) => {
      m.onUpdate((id, h) => {
        if (id === listener.id && h.state !== 'checking') resolve(h);
      });
    });
    m.observe([listener]);
    expect(m.get(listener.id).state).toBe('checking');
    await expect(up).resolves.toMatchObject({ state: 'up', kind: 'http', status: 200, title: 'Live' });
    expect(s.connections()).toBe(1);
  });
});

describe('createHealthMonitor on a steady snapshot', () => {
  it('plans an unchanged listener once, not on every poll (the policy reads its command line)', () => {
    const clock = new FakeClock();
    const fake = fakeProbe(clock, 10);
    const m = monitor({ clock, probe: fake.probe, jitter: 0 });
    const base = listenerAt('127.0.0.1', 3000, ownerNamed('node', 'node server.js'));
    let reads = 0;
    const counting = (owner: Listener['owner']): Listener['owner'] =>
      new Proxy(owner, {
        get(target, key, receiver) {
          if (key === 'command') reads += 1;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const counted: Listener = { ...base, owner: counting(base.owner) };
    m.observe([counted]);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 5; i += 1) m.observe([counted]);
    expect(reads).toBe(afterFirst);
    // A new object for the same socket whose owner changed (a new owner object) is planned again.
    m.observe([{ ...counted, owner: counting({ ...base.owner }) }]);
    expect(reads).toBeGreaterThan(afterFirst);
  });
});
