import { randomBytes } from 'node:crypto';
import { constants, rmdirSync, unlinkSync, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, open, rm, rmdir, unlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { err, ok, type Result } from '../model/errors.js';

/**
 * The serve token must never be on a command line or in an environment: any local user can read
 * `/proc/PID/cmdline` of the opener and, for its whole life, of the browser. So, as Jupyter does,
 * the browser is handed a `file://` URL of a short page that redirects to the tokenized link. The
 * page is created with O_EXCL, mode 0600, inside a 0700 directory of the user's own, and removed
 * when serve stops. docs/SECURITY.md#browser-mode.
 */

/** Modes of the launch directory and file (POSIX; Windows relies on the per-user profile ACL). */
export const LAUNCH_DIR_MODE = 0o700;
export const LAUNCH_FILE_MODE = 0o600;

/** Where a launch directory may go, best first. `private-temp` is made with mkdtemp under `dir`. */
export type LaunchDirCandidate =
  | { readonly kind: 'dir'; readonly path: string; readonly why: string }
  | { readonly kind: 'private-temp'; readonly parent: string; readonly prefix: string };

/** What the path builder needs to know about the user; tests pass all three platforms' values. */
export interface LaunchDirInput {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  readonly tmp: string;
}

function absolute(platform: NodeJS.Platform, p: string | undefined): string | null {
  if (p === undefined || p === '') return null;
  const lib = platform === 'win32' ? path.win32 : path.posix;
  return lib.isAbsolute(p) ? p : null;
}

/**
 * The launch directory candidates for a platform, best first (pure):
 * - Linux and other Unixes: `$XDG_RUNTIME_DIR/harbormaster` (a per-user tmpfs, 0700 by spec),
 *   else `${XDG_CACHE_HOME:-~/.cache}/harbormaster/launch`;
 * - macOS: `~/Library/Caches/harbormaster/launch`;
 * - Windows: `%LOCALAPPDATA%\Harbormaster\launch` (the profile's ACL admits only the user);
 * and last, always, a fresh private directory (mkdtemp, 0700) under the temp folder.
 */
export function launchDirCandidates(input: LaunchDirInput): LaunchDirCandidate[] {
  const { platform, env } = input;
  const out: LaunchDirCandidate[] = [];
  if (platform === 'win32') {
    const local = absolute('win32', env['LOCALAPPDATA']) ?? path.win32.join(input.home, 'AppData', 'Local');
    out.push({ kind: 'dir', path: path.win32.join(local, 'Harbormaster', 'launch'), why: '%LOCALAPPDATA%' });
    out.push({ kind: 'private-temp', parent: input.tmp, prefix: 'harbormaster-' });
    return out;
  }
  const p = path.posix;
  if (platform === 'darwin') {
    out.push({
      kind: 'dir',
      path: p.join(input.home, 'Library', 'Caches', 'harbormaster', 'launch'),
      why: '~/Library/Caches',
    });
  } else {
    const runtime = absolute(platform, env['XDG_RUNTIME_DIR']);
    if (runtime !== null)
      out.push({ kind: 'dir', path: p.join(runtime, 'harbormaster'), why: '$XDG_RUNTIME_DIR' });
    const cache = absolute(platform, env['XDG_CACHE_HOME']) ?? p.join(input.home, '.cache');
    out.push({ kind: 'dir', path: p.join(cache, 'harbormaster', 'launch'), why: 'the cache folder' });
  }
  out.push({ kind: 'private-temp', parent: input.tmp, prefix: 'harbormaster-' });
  return out;
}

/** The facts about an existing directory that decide whether a launch file may go in it. */
export interface DirFacts {
  readonly isDirectory: boolean;
  readonly isSymbolicLink: boolean;
  readonly mode: number;
  readonly uid: number;
}

/**
 * Decides whether a directory is private enough for a file holding the token (pure). POSIX: a real
 * directory (no symlink), owned by us, with no group or other permission bits. Windows: modes mean
 * nothing there; a real directory under the profile is what we can check.
 */
export function checkPrivateDir(
  facts: DirFacts,
  platform: NodeJS.Platform,
  uid: number | null,
): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  if (facts.isSymbolicLink) return { ok: false, reason: 'is a symbolic link' };
  if (!facts.isDirectory) return { ok: false, reason: 'is not a directory' };
  if (platform === 'win32') return { ok: true };
  if (uid !== null && facts.uid !== uid) return { ok: false, reason: `is owned by uid ${facts.uid}` };
  if ((facts.mode & 0o077) !== 0) {
    return { ok: false, reason: `has mode ${(facts.mode & 0o777).toString(8)}, not 700` };
  }
  return { ok: true };
}

/** The page: a meta refresh to the tokenized URL and a link, no script, no referrer. */
export function launchPageHtml(url: string): string {
  const escaped = url
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${escaped}">`,
    '<title>Opening Harbormaster…</title></head>',
    `<body><p>Opening Harbormaster… If nothing happens, <a href="${escaped}">click here</a>.</p></body></html>`,
    '',
  ].join('\n');
}

/** A launch file on disk; `remove` is idempotent and `removeSync` is for `process.on('exit')`. */
export interface LaunchFile {
  readonly path: string;
  /** `file://` URL of the page: this, never the tokenized URL, is what the opener receives. */
  readonly url: string;
  remove(): Promise<void>;
  /** The same, synchronously: the last resort from a `process.on('exit')` handler. */
  removeSync(): void;
}

function factsOf(s: Stats): DirFacts {
  return { isDirectory: s.isDirectory(), isSymbolicLink: s.isSymbolicLink(), mode: s.mode, uid: s.uid };
}

async function preparedDir(
  candidate: LaunchDirCandidate,
  platform: NodeJS.Platform,
): Promise<Result<{ dir: string; temp: boolean }>> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  try {
    if (candidate.kind === 'private-temp') {
      const dir = await mkdtemp(path.join(candidate.parent, candidate.prefix));
      await chmod(dir, LAUNCH_DIR_MODE);
      return ok({ dir, temp: true });
    }
    await mkdir(candidate.path, { recursive: true, mode: LAUNCH_DIR_MODE });
    let facts = factsOf(await lstat(candidate.path));
    // Our own directory left with wider bits (an older version, a umask quirk): tighten it.
    if (!facts.isSymbolicLink && facts.isDirectory && (uid === null || facts.uid === uid)) {
      if (platform !== 'win32' && (facts.mode & 0o077) !== 0) {
        await chmod(candidate.path, LAUNCH_DIR_MODE);
        facts = factsOf(await lstat(candidate.path));
      }
    }
    const verdict = checkPrivateDir(facts, platform, uid);
    if (!verdict.ok) return err('INTERNAL', `${candidate.path} ${verdict.reason}.`);
    return ok({ dir: candidate.path, temp: false });
  } catch (e) {
    return err('INTERNAL', `Could not prepare a launch directory: ${(e as Error).message}`);
  }
}

/**
 * Writes the launch page for `url` into the first usable private directory: O_CREAT|O_EXCL (and
 * O_NOFOLLOW where it exists), mode 0600, a random name. Returns an error value, never throws.
 */
export async function createLaunchFile(
  url: string,
  input: LaunchDirInput = { platform: process.platform, env: process.env, home: homedir(), tmp: tmpdir() },
): Promise<Result<LaunchFile>> {
  const problems: string[] = [];
  for (const candidate of launchDirCandidates(input)) {
    const prepared = await preparedDir(candidate, input.platform);
    if (!prepared.ok) {
      problems.push(prepared.error.message);
      continue;
    }
    const { dir, temp } = prepared.value;
    const file = path.join(dir, `serve-${process.pid}-${randomBytes(6).toString('hex')}.html`);
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
    try {
      const handle = await open(file, flags, LAUNCH_FILE_MODE);
      try {
        await handle.writeFile(launchPageHtml(url), 'utf8');
      } finally {
        await handle.close();
      }
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
      if (temp) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      continue;
    }
    let removed: Promise<void> | null = null;
    return ok({
      path: file,
      url: pathToFileURL(file).href,
      remove() {
        removed ??= (async () => {
          await unlink(file).catch(() => undefined);
          if (temp) await rmdir(dir).catch(() => undefined);
        })();
        return removed;
      },
      removeSync() {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
        if (temp) {
          try {
            rmdirSync(dir);
          } catch {
            // not empty or already gone
          }
        }
      },
    });
  }
  return err('INTERNAL', `No private place for the launch file (${problems.join('; ')}).`);
}
