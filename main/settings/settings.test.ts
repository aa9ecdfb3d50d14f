import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../app/model/settings.js';
import { corruptBackupName, mergeSettings, parseSettings, serializeSettings } from './parse-settings.js';
import { loadSettingsFile, saveSettingsFile, SETTINGS_FILE } from './settings-store.js';

describe('parseSettings', () => {
  it('uses the defaults when there is no file', () => {
    const r = parseSettings(null);
    expect(r.status).toBe('missing');
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('uses the defaults for invalid JSON and says why', () => {
    const r = parseSettings('{"pollIntervalMs": 3000,');
    expect(r.status).toBe('corrupt');
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
    expect(r.problems[0]).toMatch(/not valid JSON/);
  });

  it('treats a JSON value that is not an object as corrupt', () => {
    for (const text of ['[]', 'null', '42', '"settings"']) {
      expect(parseSettings(text).status).toBe('corrupt');
    }
  });

  it('keeps the good fields and defaults only the bad ones', () => {
    const r = parseSettings(
      JSON.stringify({
        pollIntervalMs: 5000,
        theme: 'dark',
        watchedPorts: [3000, 70000],
        confirmBeforeKill: 'yes',
        launchAtLogin: true,
      }),
    );
    expect(r.status).toBe('partial');
    expect(r.settings.pollIntervalMs).toBe(5000);
    expect(r.settings.theme).toBe('dark');
    expect(r.settings.launchAtLogin).toBe(true);
    expect(r.settings.watchedPorts).toEqual(DEFAULT_SETTINGS.watchedPorts);
    expect(r.settings.confirmBeforeKill).toBe(DEFAULT_SETTINGS.confirmBeforeKill);
    expect(r.problems).toEqual([
      'confirmBeforeKill: invalid value, using the default',
      'watchedPorts: invalid value, using the default',
    ]);
  });

  it('rejects out-of-range poll intervals and unknown themes', () => {
    const r = parseSettings(JSON.stringify({ pollIntervalMs: 10, theme: 'neon' }));
    expect(r.settings.pollIntervalMs).toBe(DEFAULT_SETTINGS.pollIntervalMs);
    expect(r.settings.theme).toBe(DEFAULT_SETTINGS.theme);
  });

  it('ignores unknown keys and a __proto__ key without polluting anything', () => {
    const r = parseSettings('{"__proto__": {"polluted": true}, "extra": 1, "showSystem": true}');
    expect(r.status).toBe('ok');
    expect(r.settings.showSystem).toBe(true);
    expect(Object.keys(r.settings).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((r.settings as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('round-trips through serializeSettings', () => {
    const s = mergeSettings(DEFAULT_SETTINGS, { watchedPorts: [5432, 3000], theme: 'light' });
    const r = parseSettings(serializeSettings(s));
    expect(r.status).toBe('ok');
    expect(r.settings).toEqual(s);
  });

  it('names corrupt backups without characters Windows forbids', () => {
    const name = corruptBackupName(Date.UTC(2025, 0, 2, 3, 4, 5, 6));
    expect(name).toBe('settings.json.corrupt-2025-01-02T03-04-05-006Z');
    expect(name).not.toMatch(/[:<>"|?*]/);
  });
});

describe('settings file in the user-data folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-settings-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads defaults when the folder has no settings file', async () => {
    const r = await loadSettingsFile(dir);
    expect(r.status).toBe('missing');
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
    expect(await readdir(dir)).toEqual([]);
  });

  it('backs up a corrupt file byte for byte before falling back to defaults', async () => {
    const broken = '{ "pollIntervalMs": 3000, oops';
    await writeFile(join(dir, SETTINGS_FILE), broken);
    const r = await loadSettingsFile(dir, Date.UTC(2025, 5, 1));
    expect(r.status).toBe('corrupt');
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
    expect(r.backupPath).toBe(join(dir, 'settings.json.corrupt-2025-06-01T00-00-00-000Z'));
    expect(await readFile(r.backupPath ?? '', 'utf8')).toBe(broken);
    // Saving afterwards replaces the broken file but leaves the backup alone.
    expect((await saveSettingsFile(dir, r.settings)).ok).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([
      SETTINGS_FILE,
      'settings.json.corrupt-2025-06-01T00-00-00-000Z',
    ]);
  });

  it('keeps the good fields of a partly bad file', async () => {
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify({ watchedPorts: [8080], pollIntervalMs: -1 }));
    const r = await loadSettingsFile(dir);
    expect(r.status).toBe('partial');
    expect(r.settings.watchedPorts).toEqual([8080]);
    expect(r.settings.pollIntervalMs).toBe(DEFAULT_SETTINGS.pollIntervalMs);
    expect(r.backupPath).toBeNull();
  });

  it('saves atomically with owner-only permissions and reads back the same settings', async () => {
    const s = mergeSettings(DEFAULT_SETTINGS, { launchAtLogin: true, watchedProjects: ['shop'] });
    const saved = await saveSettingsFile(join(dir, 'nested'), s);
    expect(saved.ok).toBe(true);
    const path = join(dir, 'nested', SETTINGS_FILE);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'nested'))).toEqual([SETTINGS_FILE]);
    expect((await loadSettingsFile(join(dir, 'nested'))).settings).toEqual(s);
  });

  it('reports a save failure as a value', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const r = await saveSettingsFile(join(dir, 'file'), DEFAULT_SETTINGS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INTERNAL');
  });
});
