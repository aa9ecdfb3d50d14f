import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SettingsPatchSchema } from '../contract/schemas.js';
import { err, ok, type Result } from '../model/errors.js';
import type { Pin } from '../model/settings.js';

/**
 * The pins in the settings file the desktop app keeps (`settings.json` in Electron's userData
 * folder), read and written by the CLI (`harbormaster pin`) and read by `serve`. Only the `pins`
 * key is touched: every other setting in the file is kept byte-for-byte as JSON values. A file
 * that is not a JSON object is never overwritten (the app backs it up and starts over; the CLI
 * says so and stops). If the desktop app is running, it keeps its own copy and the last writer wins.
 */

/** The settings file name inside the folder (main/settings/settings-store.ts uses the same). */
export const SETTINGS_FILE_NAME = 'settings.json';
/** Points the CLI and serve at another folder (tests; a portable install). */
export const USER_DATA_ENV = 'HARBORMASTER_USER_DATA';

/**
 * Electron's `app.getPath('userData')` for productName "Harbormaster", without Electron:
 * `$XDG_CONFIG_HOME` or `~/.config` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%`
 * on Windows.
 */
export function userDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  const override = env[USER_DATA_ENV];
  if (override) return override;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Harbormaster');
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Harbormaster');
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'Harbormaster');
}

async function readObject(path: string): Promise<Result<Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok({});
    return err('INTERNAL', `${path} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw))
      return ok(raw as Record<string, unknown>);
  } catch {
    // Fall through: not JSON.
  }
  return err('INTERNAL', `${path} is not a settings file (not a JSON object); it was left as it is.`);
}

/** The pins in `dir`'s settings file: none when there is no file; invalid pins are an error. */
export async function readPins(dir: string): Promise<Result<Pin[]>> {
  const file = await readObject(join(dir, SETTINGS_FILE_NAME));
  if (!file.ok) return file;
  if (!Object.prototype.hasOwnProperty.call(file.value, 'pins')) return ok([]);
  const parsed = SettingsPatchSchema.safeParse({ pins: file.value['pins'] });
  if (!parsed.success || parsed.data.pins === undefined) {
    return err('INTERNAL', `The pins in ${join(dir, SETTINGS_FILE_NAME)} are not valid.`);
  }
  return ok(parsed.data.pins.map((p) => ({ port: p.port, label: p.label })));
}

/** Replaces the pins in `dir`'s settings file atomically (temp file + rename, owner-only). */
export async function writePins(dir: string, pins: readonly Pin[]): Promise<Result<string>> {
  const path = join(dir, SETTINGS_FILE_NAME);
  const checked = SettingsPatchSchema.safeParse({ pins });
  if (!checked.success) return err('INVALID_REQUEST', 'Invalid pins.');
  const file = await readObject(path);
  if (!file.ok) return file;
  const next = { ...file.value, pins };
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, path);
    return ok(path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    return err('INTERNAL', `${path} could not be written (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}
