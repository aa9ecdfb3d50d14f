import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultHistoryDir } from '../history/store.js';

// The guard for "tests never write the user's port history": the run's environment points at a
// private temporary data folder, and a real CLI spawned the way tests spawn it records there.
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/harbormaster.js', import.meta.url));

describe('tests run with a private data folder', () => {
  it('points the port history into a temporary folder, not the user’s', () => {
    const users = defaultHistoryDir({ HOME: homedir(), XDG_DATA_HOME: process.env.XDG_DATA_HOME });
    const ours = defaultHistoryDir(process.env);
    expect(ours.startsWith(tmpdir())).toBe(true);
    expect(ours).not.toBe(users);
  });

  it.runIf(process.platform === 'linux')(
    'a CLI spawned with the test environment records there',
    async () => {
      if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before this test.');
      // Without the private folder this would write the user's history: refuse instead.
      if (!defaultHistoryDir(process.env).startsWith(tmpdir())) throw new Error('no private data folder');
      const code = await new Promise<number>((resolve) =>
        execFile(process.execPath, [bin, 'list', '--json'], { timeout: 30_000 }, (e) =>
          resolve(e ? Number(e.code ?? 1) : 0),
        ),
      );
      expect(code).toBe(0);
      const dir = defaultHistoryDir(process.env);
      expect(readdirSync(dir).some((f) => f.endsWith('.jsonl'))).toBe(true);
      expect(dir).toBe(join(process.env.HARBORMASTER_DATA_DIR ?? '', 'history'));
    },
  );
});
