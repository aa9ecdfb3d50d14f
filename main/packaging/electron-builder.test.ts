import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = parse(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const section = (key: string) => config[key] as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('flips the security fuses for release builds', () => {
    expect(section('electronFuses')).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('packs an allowlist of built files into an asar, never sources, tests or maps', () => {
    expect(config['asar']).toBe(true);
    const files = config['files'] as string[];
    const includes = files.filter((f) => !f.startsWith('!'));
    expect(includes.sort()).toEqual([
      'assets/icon-512.png',
      'assets/tray/**/*',
      'dist/app/**/*',
      'dist/main/**/*',
      'dist/renderer/**/*',
    ]);
    expect(files).toEqual(expect.arrayContaining(['!**/*.map', '!**/*.test.*', '!**/test-support/**']));
    expect(
      includes.some(
        (f) => f === '**/*' || f.startsWith('app/') || f.startsWith('main/') || f.startsWith('node_modules'),
      ),
    ).toBe(false);
  });

  it('identifies the app and builds a Dock-less macOS dmg, an nsis installer and Linux AppImage + deb', () => {
    expect(config['appId']).toBe('dev.harbormaster.app');
    expect(config['productName']).toBe('Harbormaster');
    expect(section('mac')['target']).toBe('dmg');
    expect((section('mac')['extendInfo'] as Record<string, unknown>)['LSUIElement']).toBe(true);
    expect(section('win')['target']).toBe('nsis');
    expect(section('nsis')['allowElevation']).toBe(false);
    expect(section('linux')['target']).toEqual(['AppImage', 'deb']);
    expect(section('linux')['category']).toBe('Development');
  });

  it('points every platform at an icon that exists in assets/', () => {
    for (const platform of ['mac', 'win', 'linux']) {
      const icon = section(platform)['icon'] as string;
      expect(() => readFileSync(join(repo, icon)), icon).not.toThrow();
    }
  });

  it('packages the entry that package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    expect(pkg.main).toBe('dist/main/index.js');
    expect((config['files'] as string[]).some((f) => f === 'dist/main/**/*')).toBe(true);
    const scripts = pkg.scripts;
    expect(scripts['dist']).toBe('npm run build && electron-builder --config electron-builder.yml');
    expect(scripts['start']).toBe('npm run build && electron .');
  });
});
