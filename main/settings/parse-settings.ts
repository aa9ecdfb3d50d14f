import { SettingsPatchSchema } from '../../app/contract/schemas.js';
import { DEFAULT_SETTINGS, type Settings } from '../../app/model/settings.js';

/** How a settings file was read: absent, fine, some fields defaulted, or unreadable as a whole. */
export type SettingsFileStatus = 'missing' | 'ok' | 'partial' | 'corrupt';

/** The settings to use, plus what was wrong with the file (for the log, never shown as a crash). */
export interface ParsedSettings {
  readonly settings: Settings;
  readonly status: SettingsFileStatus;
  /** One line per rejected field or per whole-file problem. */
  readonly problems: readonly string[];
}

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/**
 * Parses the text of `settings.json` field by field against the shared schema: a missing file
 * (`null`) or invalid JSON gives the defaults; a field with a bad value falls back to its default
 * while the good fields are kept; unknown keys (including `__proto__`) are ignored.
 */
export function parseSettings(text: string | null): ParsedSettings {
  if (text === null) return { settings: DEFAULT_SETTINGS, status: 'missing', problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return {
      settings: DEFAULT_SETTINGS,
      status: 'corrupt',
      problems: [`settings.json is not valid JSON (${e instanceof Error ? e.message : 'parse error'})`],
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      settings: DEFAULT_SETTINGS,
      status: 'corrupt',
      problems: ['settings.json does not hold a JSON object'],
    };
  }
  const record = raw as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  for (const key of SETTING_KEYS) {
    // Own properties only: a JSON `__proto__` key is an own property, but it is not a setting.
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const checked = SettingsPatchSchema.safeParse({ [key]: record[key] });
    if (checked.success && checked.data[key] !== undefined) merged[key] = checked.data[key];
    else problems.push(`${key}: invalid value, using the default`);
  }
  return {
    settings: Object.freeze(merged) as unknown as Settings,
    status: problems.length > 0 ? 'partial' : 'ok',
    problems,
  };
}

/** Serialises settings for the file: stable key order, one key per line, trailing newline. */
export function serializeSettings(settings: Settings): string {
  const ordered: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) ordered[key] = settings[key];
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** The name a corrupt settings file is moved to, safe on every OS (no `:` for Windows). */
export function corruptBackupName(now: number): string {
  return `settings.json.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
}

/** Applies a validated patch on top of the current settings. */
export function mergeSettings(current: Settings, patch: Partial<Settings>): Settings {
  const next: Record<string, unknown> = { ...current };
  for (const key of SETTING_KEYS) {
    if (Object.prototype.hasOwnProperty.call(patch, key) && patch[key] !== undefined) next[key] = patch[key];
  }
  return Object.freeze(next) as unknown as Settings;
}
