import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { ROOT } from './support/processes.js';

// Issue 9 item 1 in a real browser: the opener gets only the launch page's file:// URL, and that
// page takes Chromium to the tokenized link, where the app connects.
base(
  'the launch page the browser is given redirects to the tokenized link, and the app connects',
  async ({ page }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trust-serve-e2e-'));
    const log = path.join(dir, 'opened.txt');
    const opener = path.join(dir, 'opener.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n`);
    chmodSync(opener, 0o755);
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'harbormaster.js'), 'serve', '--port', '0', '--opener', opener],
      { cwd: ROOT, env: { ...process.env, XDG_RUNTIME_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    try {
      await expect.poll(() => existsSync(log) && readFileSync(log, 'utf8').startsWith('file://')).toBe(true);
      const fileUrl = readFileSync(log, 'utf8').trim();
      const printed = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}/.exec(out)?.[0] ?? '';
      expect(printed).not.toBe('');
      expect(fileUrl).not.toContain(printed.split('#token=')[1] ?? 'none');
      await page.goto(fileUrl);
      await expect(page).toHaveURL(printed);
      // The first snapshot arrived over the token-authenticated WebSocket.
      await expect(page.getByLabel('Scan summary')).toContainText(/\d+ (listening|shown)/);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGINT');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
