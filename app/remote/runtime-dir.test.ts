import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeForwards } from './forward-registry.js';
import { hasRecordedForwards } from './remote-hosts-service.js';
import { ensureRuntimeDir, runtimeDirPath } from './runtime-dir.js';

const uid = process.getuid?.() ?? 0;
const skip = process.platform === 'win32';
if (skip) console.log('runtime-dir.test: SKIPPED, POSIX modes only');

describe.skipIf(skip)('the control-socket runtime directory', () => {
  const base = mkdtempSync(join(tmpdir(), 'hr-rt-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('is created 0700 under XDG_RUNTIME_DIR', () => {
    const r = ensureRuntimeDir({ XDG_RUNTIME_DIR: base }, uid);
    expect(r.ok).toBe(true);
    if (r.ok) expect(statSync(r.path).mode & 0o777).toBe(0o700);
  });
  it('refuses a directory others can read', () => {
    const xdg = join(base, 'loose');
    mkdirSync(join(xdg, 'harbormaster-ssh'), { recursive: true });
    chmodSync(join(xdg, 'harbormaster-ssh'), 0o755);
    const r = ensureRuntimeDir({ XDG_RUNTIME_DIR: xdg }, uid);
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('not 700') });
  });
  it('refuses a symlink planted in its place', () => {
    const xdg = join(base, 'linked');
    mkdirSync(xdg);
    symlinkSync(base, join(xdg, 'harbormaster-ssh'));
    expect(ensureRuntimeDir({ XDG_RUNTIME_DIR: xdg }, uid).ok).toBe(false);
  });
  it('refuses a directory of another uid', () => {
    expect(ensureRuntimeDir({ XDG_RUNTIME_DIR: base }, uid + 1).ok).toBe(false);
  });
});

describe.skipIf(skip)('whether quitting has forwards to close', () => {
  it('reads the records without creating the folder, and sees a recorded forward', () => {
    const xdg = mkdtempSync(join(tmpdir(), 'hr-rt-quit-'));
    try {
      const env = { XDG_RUNTIME_DIR: xdg };
      expect(hasRecordedForwards(env)).toBe(false);
      expect(existsSync(runtimeDirPath(env, uid))).toBe(false);
      const dir = ensureRuntimeDir(env, uid);
      if (!dir.ok) throw new Error(dir.message);
      expect(dir.path).toBe(runtimeDirPath(env, uid));
      writeForwards(dir.path, [
        {
          id: 1,
          alias: 'devbox',
          configFile: null,
          binds: ['127.0.0.1'],
          localPort: 8080,
          remoteHost: '127.0.0.1',
          remotePort: 8080,
          createdAt: 0,
        },
      ]);
      expect(hasRecordedForwards(env)).toBe(true);
    } finally {
      rmSync(xdg, { recursive: true, force: true });
    }
  });
});
