import { describe, expect, it } from 'vitest';
import { createHealthMonitor, type HealthMonitor } from '../health/monitor.js';
import type { Health } from '../model/health.js';
import { DEFAULT_SETTINGS } from '../model/settings.js';
import type { Snapshot } from '../model/snapshot.js';
import { createHarbormasterService } from './create-service.js';

// Issue 14 item 4: health results arrive one by one between scans. Each used to rebuild and push
// a whole snapshot 50 ms later — 20 snapshots a second of 1000 listeners in the soak. The core
// now folds them: the first soon, later ones at most every 500 ms, and none that a scan supersedes.
describe.runIf(process.platform === 'linux')('health results between scans', () => {
  it('are pushed as a few snapshots, not one per result, and the last result is shown', async () => {
    const real = createHealthMonitor({ selfPid: process.pid, paused: true });
    const results = new Map<string, Health>();
    const callbacks = new Set<(id: string, h: Health) => void>();
    // The real monitor, minus its probes: this test emits results itself, at a known rate.
    const health: HealthMonitor = {
      ...real,
      get: (id) => results.get(id) ?? real.get(id),
      observe: () => undefined,
      onUpdate: (cb) => {
        callbacks.add(cb);
        return () => void callbacks.delete(cb);
      },
    };
    const service = await createHarbormasterService({
      health,
      history: null,
      containers: null,
      settings: { ...DEFAULT_SETTINGS, pollIntervalMs: 60_000 },
    });
    try {
      const first = await service.getSnapshot();
      const ids = first.listeners.map((l) => l.id);
      expect(ids.length).toBeGreaterThan(0);
      const pushes: Snapshot[] = [];
      service.onSnapshot((s) => pushes.push(s));
      // 60 results, one every 10 ms (600 ms): the old 50 ms debounce pushed ~10 snapshots.
      const last = ids[ids.length - 1] as string;
      for (let i = 0; i < 60; i += 1) {
        const id = ids[i % ids.length] as string;
        const h: Health = { state: 'refused', checkedAt: Date.now(), latencyMs: i };
        results.set(i === 59 ? last : id, h);
        for (const cb of callbacks) cb(i === 59 ? last : id, h);
        await new Promise((r) => setTimeout(r, 10));
      }
      const shown = () => pushes.at(-1)?.listeners.find((l) => l.id === last)?.health === results.get(last);
      const deadline = Date.now() + 5_000;
      while (!shown() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(shown(), 'the last result reaches a pushed snapshot').toBe(true);
      await new Promise((r) => setTimeout(r, 700)); // nothing more is pending
      const rebuilt = pushes.filter((s) => s.takenAt === first.takenAt);
      // 600 ms of results at ≤ 1 push per 500 ms: 2–3 pushes (one more if the loaded machine
      // stretches the loop), never one per 50 ms.
      expect(rebuilt.length).toBeGreaterThanOrEqual(1);
      expect(rebuilt.length).toBeLessThanOrEqual(4);
    } finally {
      await service.dispose();
      real.dispose();
    }
  });
});
