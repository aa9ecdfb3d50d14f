import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listener, processOwner, snapshot } from '../testing/fixtures.js';
import { createHistoryRecorder } from './recorder.js';
import { portStory, readHistory } from './query.js';
import { defaultDataDir, openHistoryStore } from './store.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'why-history-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const web = processOwner({
  pid: 4121,
  startToken: '777',
  name: 'node',
  command: 'npm run dev',
  cwd: '/src/web',
});

describe('the port history store', () => {
  it('records appearance, owner change and disappearance once, and who held a port until when', () => {
    const store = openHistoryStore({ dir: tempDir() });
    const rec = createHistoryRecorder(store, 'cli');
    const l = listener({ port: 3000, owner: web });
    rec.observe(snapshot({ takenAt: 1000, listeners: [l] }));
    rec.observe(snapshot({ takenAt: 2000, listeners: [l] }));
    const other = processOwner({ pid: 999, startToken: '1', name: 'python3' });
    rec.observe(snapshot({ takenAt: 3000, listeners: [{ ...l, owner: other }] }));
    rec.observe(snapshot({ takenAt: 4000, listeners: [] }));
    const h = readHistory(store);
    expect(h.events.map((e) => [e.at, e.event, e.owner?.pid])).toEqual([
      [1000, 'open', 4121],
      [3000, 'owner', 999],
      [4000, 'close', 999],
    ]);
    const story = portStory(h, 3000, [], { now: 5000 });
    expect(story.lastHolder).toMatchObject({ until: 4000, since: 3000, owner: { name: 'python3' } });
    expect(story.flaps).toBe(2);
  });

  it('a second face sees the first face’s state and does not record the same listener again', () => {
    const dir = tempDir();
    const l = listener({ port: 3001, owner: web });
    createHistoryRecorder(openHistoryStore({ dir }), 'tray').observe(
      snapshot({ takenAt: 1, listeners: [l] }),
    );
    const cli = createHistoryRecorder(openHistoryStore({ dir }), 'cli');
    cli.observe(snapshot({ takenAt: 2, listeners: [l] }));
    cli.observe(snapshot({ takenAt: 3, listeners: [] }));
    expect(readHistory(openHistoryStore({ dir })).events.map((e) => `${e.face}:${e.event}`)).toEqual([
      'tray:open',
      'cli:close',
    ]);
  });

  it('skips a torn last line and keeps the record appended after it', () => {
    const dir = tempDir();
    const store = openHistoryStore({ dir });
    const rec = createHistoryRecorder(store, 'cli');
    rec.observe(snapshot({ takenAt: 1, listeners: [listener({ port: 1, owner: web })] }));
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment ?? ''), '{"at":2,"event":"open","protocol":"tc');
    rec.observe(snapshot({ takenAt: 3, listeners: [] }));
    const h = readHistory(store);
    expect(h.events.map((e) => `${e.at}:${e.event}`)).toEqual(['1:open', '3:close']);
    expect(h.skippedLines).toBe(1);
  });

  it('rotates by size with a checkpoint and keeps the total under the size limit', () => {
    const dir = tempDir();
    const store = openHistoryStore({ dir, maxBytes: 40_000, segmentBytes: 8_000 });
    const rec = createHistoryRecorder(store, 'cli');
    const steady = listener({ port: 22, owner: web });
    for (let i = 0; i < 400; i += 1) {
      const flapping = i % 2 === 0 ? [listener({ port: 5000, owner: web })] : [];
      rec.observe(snapshot({ takenAt: i, listeners: [steady, ...flapping] }));
    }
    const segments = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(segments.length).toBeGreaterThan(2);
    const total = segments.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual(40_000 + 8_000);
    const newest = readFileSync(join(dir, segments.at(-1) ?? ''), 'utf8');
    expect(JSON.parse(newest.split('\n')[0] ?? '')).toMatchObject({ event: 'state' });
    // A new face learns that port 22 is open from the checkpoint alone: it records nothing new.
    const late = createHistoryRecorder(
      openHistoryStore({ dir, maxBytes: 40_000, segmentBytes: 8_000 }),
      'tray',
    );
    const before = readHistory(store).events.length;
    late.observe(snapshot({ takenAt: 999, listeners: [steady] }));
    expect(readHistory(store).events.length).toBe(before);
  });

  it('drops segments older than the age limit when it rotates', () => {
    const dir = tempDir();
    let now = 0;
    const store = openHistoryStore({ dir, segmentBytes: 500, maxAgeMs: 1000, now: () => now });
    const rec = createHistoryRecorder(store, 'cli');
    for (let i = 0; i < 20; i += 1) {
      now = Date.now() + i * 10_000;
      rec.observe(snapshot({ takenAt: now, listeners: i % 2 ? [listener({ port: 7, owner: web })] : [] }));
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl')).length).toBeLessThanOrEqual(2);
  });

  it('lives in the user’s data folder, the same for every face', () => {
    expect(defaultDataDir({ HOME: '/home/a' }, 'linux')).toBe('/home/a/.local/share/harbormaster');
    expect(defaultDataDir({ HOME: '/home/a', XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/harbormaster');
    expect(defaultDataDir({ HARBORMASTER_DATA_DIR: '/d' }, 'linux')).toBe('/d');
    expect(defaultDataDir({ HOME: '/Users/a' }, 'darwin')).toBe(
      '/Users/a/Library/Application Support/harbormaster',
    );
  });
});

describe('the same program, restarted', () => {
  it('is recognised by name and command (ports aside), not by sharing a folder', async () => {
    const { sameProgram } = await import('./query.js');
    const was = {
      ...web,
      kind: 'process' as const,
      startToken: '1',
      startedAt: null,
      project: 'web',
      container: null,
      command: 'node server.js --port 41234',
    };
    const same = { name: 'node', command: 'node server.js --port 37313', cwd: '/elsewhere', project: null };
    const other = { name: 'node', command: 'node other-tool.js', cwd: '/src/web', project: 'web' };
    expect(sameProgram(was, same)).toBe(true);
    expect(sameProgram(was, other)).toBe(false);
    expect(sameProgram({ ...was, command: null }, { ...other, command: null })).toBe(true);
    // A fixed port before, `--port 0` now (or `-p 8080` then `-p 0`): the same program.
    const zero = { name: 'node', command: 'node server.js --port 0', cwd: '/src/web', project: 'web' };
    expect(sameProgram(was, zero)).toBe(true);
    expect(sameProgram({ ...was, command: 'node server.js --workers 4' }, zero)).toBe(false);
  });
});
