import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listener, processOwner, snapshot } from '../testing/fixtures.js';
import { createHistoryRecorder } from './recorder.js';
import { readHistory } from './query.js';
import { openHistoryStore } from './store.js';

// Real writer processes (the built store, as the tray, serve and CLIs run it) appending at once,
// and killed with SIGKILL in the middle of writing. `npm test` builds dist/ before unit tests.
const built = fileURLToPath(new URL('../../dist/app/history/store.js', import.meta.url));

const WRITER = `
const { openHistoryStore } = await import(process.env.WHY_STORE);
const store = openHistoryStore({ dir: process.env.WHY_DIR, segmentBytes: Number(process.env.WHY_SEGMENT) });
const writer = Number(process.env.WHY_WRITER);
const count = Number(process.env.WHY_COUNT);
const command = 'x'.repeat(Number(process.env.WHY_PAD));
process.stdout.write('ready\\n');
for (let i = 0; i < count; i += 1) {
  const batch = [];
  for (let j = 0; j < 3; j += 1) {
    batch.push({ at: Date.now(), event: 'open', protocol: 'tcp', family: 4, address: '127.0.0.1',
      port: writer * 10000 + i * 3 + j + 1, face: 'w' + writer,
      owner: { kind: 'process', pid: process.pid, startToken: String(i), startedAt: null, name: 'w', command,
        cwd: null, project: null, user: null, uid: null, container: null } });
  }
  store.append(batch, () => []);
}
process.stdout.write('done\\n');
`;

function startWriter(dir: string, writer: number, count: number, segment = 50_000_000, pad = 200) {
  return spawn(process.execPath, ['--input-type=module', '-e', WRITER], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      WHY_STORE: built,
      WHY_DIR: dir,
      WHY_WRITER: String(writer),
      WHY_COUNT: String(count),
      WHY_SEGMENT: String(segment),
      WHY_PAD: String(pad),
    },
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

let dir = '';
beforeAll(() => {
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` (npm test does) first.');
  dir = mkdtempSync(join(tmpdir(), 'why-history-proc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(process.platform !== 'win32')('the port history under real processes', () => {
  it('four writers appending at once (tray, serve, two CLIs) lose and interleave nothing, across rotations', async () => {
    const d = join(dir, 'concurrent');
    const writers = [1, 2, 3, 4].map((w) => startWriter(d, w, 300, 60_000));
    await Promise.all(writers.map(exited));
    expect(writers.map((w) => w.exitCode)).toEqual([0, 0, 0, 0]);
    // Only the kept segments count: check each writer's events are whole and in order there.
    const h = readHistory(openHistoryStore({ dir: d, segmentBytes: 60_000 }));
    expect(h.skippedLines).toBe(0);
    for (const w of [1, 2, 3, 4]) {
      const ports = h.events.filter((e) => e.face === `w${w}`).map((e) => e.port);
      expect(ports.length).toBeGreaterThan(0);
      const first = ports[0] ?? 0;
      expect(ports).toEqual(ports.map((_, i) => first + i));
      expect(ports.at(-1)).toBe(w * 10000 + 900);
    }
  }, 60_000);

  it('kill -9 in the middle of writing, 15 times, never corrupts older events', async () => {
    const d = join(dir, 'killed');
    let previous = 0;
    for (let round = 0; round < 15; round += 1) {
      // Big lines (3 × ~1.3 KB per write) so the kill often lands inside a write.
      const child = startWriter(d, round + 1, 1_000_000, 50_000_000, 1000);
      await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 5 + ((round * 7) % 30)));
      process.kill(child.pid ?? 0, 'SIGKILL');
      await exited(child);
      const h = readHistory(openHistoryStore({ dir: d }));
      // At most the batch being written is lost; everything before it is there, whole and in order.
      expect(h.skippedLines).toBeLessThanOrEqual(1);
      expect(h.events.length).toBeGreaterThanOrEqual(previous);
      const mine = h.events.filter((e) => e.face === `w${round + 1}`).map((e) => e.port);
      expect(mine).toEqual(mine.map((_, i) => (round + 1) * 10000 + i + 1));
      previous = h.events.length;
    }
    // A later writer still appends cleanly after all those kills.
    const rec = createHistoryRecorder(openHistoryStore({ dir: d }), 'cli');
    rec.observe(snapshot({ takenAt: 1, listeners: [listener({ port: 1, owner: processOwner() })] }));
    expect(rec.lastError).toBeNull();
    const after = readHistory(openHistoryStore({ dir: d }));
    expect(after.events.filter((e) => e.face === 'cli' && e.event === 'open').map((e) => e.port)).toEqual([
      1,
    ]);
  }, 120_000);
});
