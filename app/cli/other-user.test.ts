import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnListeners, type ListenerChild } from '../testing/listener-child.js';

// A real second user: the built CLI runs as `nobody` while root holds the listeners, exactly as a
// desktop user meets a root-owned service. `npm test` builds before the unit tests run.
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/harbormaster.js', import.meta.url));
const asRoot = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/sbin/runuser');
// The checkout must be reachable by `nobody` (it is unless a parent folder is private, e.g. under
// /root); otherwise the faked-unreadable-owner test in app/scan/linux-scanner.test.ts stands alone.
const nobodyCanRun =
  asRoot &&
  spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', '/usr/bin/test', '-r', bin], { timeout: 5000 })
    .status === 0;

function runAsNobody(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/sbin/runuser',
      ['-u', 'nobody', '--', process.execPath, bin, ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe.runIf(nobodyCanRun)('another user’s listeners, seen by an unprivileged user', () => {
  let root: ListenerChild;
  beforeAll(async () => {
    if (!existsSync(built))
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test.');
    root = await spawnListeners([
      { protocol: 'tcp', host: '127.0.0.1' },
      { protocol: 'udp', host: '::1' },
    ]);
  });
  afterAll(async () => {
    await root?.kill();
  });

  it('lists them as "owner unknown (needs admin)", never hidden and never free', async () => {
    const r = await runAsNobody(['list', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      status: string;
      viewer: { user: string };
      notes: { code: string; message: string }[];
      listeners: {
        port: number;
        protocol: string;
        owner: { known: boolean; reason?: string; user?: string };
      }[];
    };
    expect(out.viewer.user).toBe('nobody');
    expect(out.status).toBe('partial');
    expect(out.notes.map((n) => n.code)).toContain('OWNERS_HIDDEN');
    // EACCES on root's processes: "not permitted", never "another container or namespace".
    const hiddenNote = out.notes.find((n) => n.code === 'OWNERS_HIDDEN');
    expect(hiddenNote?.message).toMatch(/not permitted \(needs admin\)/);
    expect(hiddenNote?.message).not.toMatch(/namespace/);
    for (const [i, protocol] of [
      [0, 'tcp'],
      [1, 'udp'],
    ] as const) {
      const hit = out.listeners.find((l) => l.port === root.sockets[i]?.port && l.protocol === protocol);
      expect(hit?.owner).toMatchObject({ known: false, reason: 'permission', user: 'root' });
    }
    const table = await runAsNobody(['list']);
    expect(table.stdout).toMatch(
      new RegExp(`^${root.sockets[0]?.port}\\s+tcp\\s.*owner unknown \\(needs admin\\)`, 'm'),
    );
  });

  it('answers "who" with the unknown holder instead of "free"', async () => {
    const r = await runAsNobody(['who', String(root.sockets[0]?.port)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('owner unknown (needs admin)');
    expect(r.stdout).not.toMatch(/is free/);
  });
});
