import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkPrivateDir,
  createLaunchFile,
  launchDirCandidates,
  launchPageHtml,
  LAUNCH_DIR_MODE,
  LAUNCH_FILE_MODE,
} from './launch-file.js';

const URL_WITH_TOKEN = 'http://127.0.0.1:7770/#token=abcDEF123_-abcDEF123_-abcDEF123_-abcDEF12';

describe('launch directory candidates (pure, every platform)', () => {
  it('Linux: $XDG_RUNTIME_DIR/harbormaster, then the cache folder, then a private temp dir', () => {
    expect(
      launchDirCandidates({
        platform: 'linux',
        env: { XDG_RUNTIME_DIR: '/run/user/1000' },
        home: '/home/alice',
        tmp: '/tmp',
      }),
    ).toEqual([
      { kind: 'dir', path: '/run/user/1000/harbormaster', why: '$XDG_RUNTIME_DIR' },
      { kind: 'dir', path: '/home/alice/.cache/harbormaster/launch', why: 'the cache folder' },
      { kind: 'private-temp', parent: '/tmp', prefix: 'harbormaster-' },
    ]);
  });

  it('Linux without XDG_RUNTIME_DIR (sudo, cron) uses $XDG_CACHE_HOME; relative values are ignored', () => {
    const c = launchDirCandidates({
      platform: 'linux',
      env: { XDG_RUNTIME_DIR: 'relative/run', XDG_CACHE_HOME: '/var/cache/alice' },
      home: '/home/alice',
      tmp: '/tmp',
    });
    expect(c[0]).toEqual({
      kind: 'dir',
      path: '/var/cache/alice/harbormaster/launch',
      why: 'the cache folder',
    });
    expect(c).toHaveLength(2);
  });

  it('macOS: ~/Library/Caches/harbormaster/launch', () => {
    expect(
      launchDirCandidates({ platform: 'darwin', env: {}, home: '/Users/alice', tmp: '/var/folders/x/T' })[0],
    ).toEqual({
      kind: 'dir',
      path: '/Users/alice/Library/Caches/harbormaster/launch',
      why: '~/Library/Caches',
    });
  });

  it('Windows: %LOCALAPPDATA%\\Harbormaster\\launch, or the profile’s AppData\\Local', () => {
    const input = {
      platform: 'win32' as const,
      home: 'C:\\Users\\alice',
      tmp: 'C:\\Users\\alice\\AppData\\Local\\Temp',
    };
    expect(launchDirCandidates({ ...input, env: { LOCALAPPDATA: 'D:\\Local' } })[0]).toEqual({
      kind: 'dir',
      path: 'D:\\Local\\Harbormaster\\launch',
      why: '%LOCALAPPDATA%',
    });
    expect(launchDirCandidates({ ...input, env: {} })[0]).toMatchObject({
      path: 'C:\\Users\\alice\\AppData\\Local\\Harbormaster\\launch',
    });
  });
});

describe('private directory check (pure, every platform)', () => {
  const dir = { isDirectory: true, isSymbolicLink: false, mode: 0o40700, uid: 1000 };
  it.each(['linux', 'darwin'] as const)('%s: only a real 0700 directory of our own', (platform) => {
    expect(checkPrivateDir(dir, platform, 1000)).toEqual({ ok: true });
    expect(checkPrivateDir({ ...dir, mode: 0o40755 }, platform, 1000)).toEqual({
      ok: false,
      reason: 'has mode 755, not 700',
    });
    expect(checkPrivateDir({ ...dir, mode: 0o40710 }, platform, 1000).ok).toBe(false);
    expect(checkPrivateDir(dir, platform, 0)).toEqual({ ok: false, reason: 'is owned by uid 1000' });
    expect(checkPrivateDir({ ...dir, isSymbolicLink: true }, platform, 1000).ok).toBe(false);
    expect(checkPrivateDir({ ...dir, isDirectory: false }, platform, 1000).ok).toBe(false);
  });

  it('win32: modes mean nothing there, but a symlink or a file is still refused', () => {
    expect(checkPrivateDir({ ...dir, mode: 0o40777 }, 'win32', null)).toEqual({ ok: true });
    expect(checkPrivateDir({ ...dir, isSymbolicLink: true }, 'win32', null).ok).toBe(false);
    expect(checkPrivateDir({ ...dir, isDirectory: false }, 'win32', null).ok).toBe(false);
  });

  it('the modes are 0700 for the directory and 0600 for the file', () => {
    expect([LAUNCH_DIR_MODE, LAUNCH_FILE_MODE]).toEqual([0o700, 0o600]);
  });
});

describe('launch page', () => {
  it('redirects to the tokenized URL without script and without a referrer', () => {
    const html = launchPageHtml(URL_WITH_TOKEN);
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${URL_WITH_TOKEN}">`);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).not.toContain('<script');
  });

  it('escapes markup in the URL', () => {
    expect(launchPageHtml('http://x/"><script>')).not.toContain('"><script>');
  });
});

describe.runIf(process.platform !== 'win32')('createLaunchFile on this machine', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function scratch(): string {
    const d = mkdtempSync(path.join(tmpdir(), 'trust-serve-launch-'));
    made.push(d);
    return d;
  }

  it('writes a 0600 page into a 0700 directory under $XDG_RUNTIME_DIR and removes it', async () => {
    const run = scratch();
    const created = await createLaunchFile(URL_WITH_TOKEN, {
      platform: process.platform,
      env: { XDG_RUNTIME_DIR: run },
      home: scratch(),
      tmp: scratch(),
    });
    if (!created.ok) throw new Error(created.error.message);
    const file = created.value;
    expect(path.dirname(file.path)).toBe(path.join(run, 'harbormaster'));
    expect(fileURLToPath(file.url)).toBe(file.path);
    expect(file.url).not.toContain('token');
    expect(lstatSync(file.path).mode & 0o777).toBe(0o600);
    expect(lstatSync(path.dirname(file.path)).mode & 0o777).toBe(0o700);
    expect(readFileSync(file.path, 'utf8')).toContain(URL_WITH_TOKEN);
    await file.remove();
    expect(existsSync(file.path)).toBe(false);
  });

  it('never writes through a symlink planted where its directory goes; uses the next private place', async () => {
    const run = scratch();
    const elsewhere = scratch();
    symlinkSync(elsewhere, path.join(run, 'harbormaster'));
    const home = scratch();
    const created = await createLaunchFile(URL_WITH_TOKEN, {
      platform: process.platform,
      env: { XDG_RUNTIME_DIR: run },
      home,
      tmp: scratch(),
    });
    if (!created.ok) throw new Error(created.error.message);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(path.dirname(created.value.path)).toBe(path.join(home, '.cache', 'harbormaster', 'launch'));
    await created.value.remove();
  });

  it('tightens its own directory left with wider bits, and falls back to a private temp dir', async () => {
    const run = scratch();
    mkdirSync(path.join(run, 'harbormaster'), { mode: 0o755 });
    const created = await createLaunchFile(URL_WITH_TOKEN, {
      platform: process.platform,
      env: { XDG_RUNTIME_DIR: run },
      home: scratch(),
      tmp: scratch(),
    });
    if (!created.ok) throw new Error(created.error.message);
    expect(lstatSync(path.join(run, 'harbormaster')).mode & 0o777).toBe(0o700);
    await created.value.remove();

    const tmp = scratch();
    const notADir = path.join(scratch(), 'file');
    writeFileSync(notADir, '');
    const fallback = await createLaunchFile(URL_WITH_TOKEN, {
      platform: process.platform,
      env: { XDG_CACHE_HOME: notADir },
      home: notADir,
      tmp,
    });
    if (!fallback.ok) throw new Error(fallback.error.message);
    const dir = path.dirname(fallback.value.path);
    expect(path.dirname(dir)).toBe(tmp);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    await fallback.value.remove();
    expect(existsSync(dir)).toBe(false);
  });
});
