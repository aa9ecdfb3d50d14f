import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testContext } from '../../actions/test-support/cli-context.js';
import { createHistoryRecorder } from '../../history/recorder.js';
import { openHistoryStore } from '../../history/store.js';
import { BAD_PORT_TEXTS } from '../../testing/bad-input.js';
import { listener, processOwner, snapshot } from '../../testing/fixtures.js';
import { historyCommand, parseSince } from './history.js';

const dir = mkdtempSync(join(tmpdir(), 'why-history-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { HARBORMASTER_DATA_DIR: dir };

const now = Date.now();
const rec = createHistoryRecorder(openHistoryStore({ dir: join(dir, 'history') }), 'tray');
const web = processOwner({
  pid: 4121,
  startToken: '9',
  name: 'node',
  command: 'npm run dev \u001b[2J',
  cwd: '/src/web',
  project: null,
});
rec.observe(snapshot({ takenAt: now - 3 * 3600_000, listeners: [listener({ port: 3000, owner: web })] }));
rec.observe(snapshot({ takenAt: now - 6 * 60_000, listeners: [] }));
rec.observe(snapshot({ takenAt: now - 5 * 60_000, listeners: [listener({ port: 5173, owner: web })] }));

async function history(...args: string[]) {
  const t = testContext({ env });
  const code = await historyCommand.run(args, t.ctx);
  return { code, out: t.stdout(), err: t.stderr() };
}

describe('harbormaster history', () => {
  it('with history off says so and how to turn it on, and lists nothing', async () => {
    const t = testContext({ env: { ...env, HARBORMASTER_HISTORY: 'off' } });
    expect(await historyCommand.run(['3000'], t.ctx)).toBe(0);
    expect(t.stdout()).toMatch(/^Port history is off \(HARBORMASTER_HISTORY=off\).*To turn it on/);
    expect(t.stdout()).not.toMatch(/opened|closed/);
  });

  it('lists appearances and disappearances with time, owner and face, oldest first', async () => {
    const r = await history();
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^History since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual(['opened', 'closed', 'opened']);
    expect(lines[1]).toMatch(/tcp 127\.0\.0\.1:3000 +node \(pid 4121\) npm run dev/);
    expect(lines[2]).toMatch(/closed +tcp 127\.0\.0\.1:3000 +node \(pid 4121\)/);
    // eslint-disable-next-line no-control-regex
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('filters by port and by --since, and says when nothing was recorded', async () => {
    expect((await history('5173')).out.trim().split('\n')).toHaveLength(2);
    const recent = await history('--since', '1h');
    expect(recent.out).not.toMatch(/opened +tcp 127\.0\.0\.1:3000/);
    expect(recent.out).toMatch(/closed +tcp 127\.0\.0\.1:3000/);
    expect((await history('22')).out).toMatch(/Nothing recorded for port 22\./);
  });

  it('--json gives the covered period and the events', async () => {
    const r = await history('3000', '--json');
    const j = JSON.parse(r.out) as { coversFrom: string; events: { event: string; port: number }[] };
    expect(new Date(j.coversFrom).getTime()).toBeLessThanOrEqual(now - 3 * 3600_000 + 1000);
    expect(j.events.map((e) => e.event)).toEqual(['open', 'close']);
  });

  it.each(BAD_PORT_TEXTS.filter((p) => p !== '' && !p.startsWith('-')))(
    'rejects the port %j with exit 2',
    async (p) => {
      const r = await history(p);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/port must be 1–65535/);
    },
  );

  it('rejects a malformed --since', async () => {
    expect(parseSince('90m')).toBe(90 * 60_000);
    for (const bad of ['1 h', '1w', '-1h', '0h', 'h']) expect((await history('--since', bad)).code).toBe(2);
  });
});
