import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../../app/model/errors.js';
import type { Settings } from '../../app/model/settings.js';
import {
  corruptBackupName,
  parseSettings,
  serializeSettings,
  type ParsedSettings,
} from './parse-settings.js';

/** File name of the settings inside the user-data folder. */
export const SETTINGS_FILE = 'settings.json';

/** The loaded settings and, when the file was corrupt, where its original bytes were kept. */
export interface LoadedSettings extends ParsedSettings {
  readonly backupPath: string | null;
}

/**
 * Reads `<dir>/settings.json` (Electron: `app.getPath('userData')`). A corrupt file is copied to
 * `settings.json.corrupt-<time>` before defaults are used, so a hand-edit gone wrong is never lost.
 * Electron-free on purpose: tested against a real temporary folder.
 */
export async function loadSettingsFile(dir: string, now: number = Date.now()): Promise<LoadedSettings> {
  const path = join(dir, SETTINGS_FILE);
  let text: string | null;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') text = null;
    else {
      return {
        ...parseSettings(null),
        status: 'corrupt',
        problems: [`settings.json could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`],
        backupPath: null,
      };
    }
  }
  const parsed = parseSettings(text);
  if (parsed.status !== 'corrupt') return { ...parsed, backupPath: null };
  const backupPath = join(dir, corruptBackupName(now));
  try {
    await copyFile(path, backupPath);
    return { ...parsed, backupPath };
  } catch {
    return {
      ...parsed,
      backupPath: null,
      problems: [...parsed.problems, 'the corrupt file could not be backed up'],
    };
  }
}

/**
 * Writes settings atomically (temp file + rename) with owner-only permissions, so a crash mid-write
 * leaves the previous file intact.
 */
export async function saveSettingsFile(dir: string, settings: Settings): Promise<Result<string>> {
  const path = join(dir, SETTINGS_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, serializeSettings(settings), { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, path);
    return ok(path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    return err('INTERNAL', `Settings could not be saved (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}
