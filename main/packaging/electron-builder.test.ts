import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = parse(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const section = (key: string) => config[key] as Record<string, unknown>;

/**
 * The JSON schema electron-builder itself validates its configuration against
 * (app-builder-lib/scheme.json, draft-07). Checking it here makes a typo fail `npm test`, not a release.
 */
let validate: ReturnType<Ajv['compile']> | null = null;
function builderConfigErrors(candidate: unknown): string[] {
  const schema = JSON.parse(
    readFileSync(join(repo, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'),
  ) as object;
  // strict: false — the schema carries keywords Ajv does not know; compiled once (it is large).
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (validate(candidate)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

describe('electron-builder.yml', () => {
  it('is valid against the JSON schema app-builder-lib ships, and a typo would not be', () => {
    expect(builderConfigErrors(config)).toEqual([]);
    // The check can fail: a misspelt key and a wrong type are both reported.
    expect(builderConfigErrors({ ...config, prodcutName: 'Harbormaster' }).join('\n')).toMatch(
      /additionalProperty.*prodcutName/,
    );
    expect(builderConfigErrors({ ...config, asar: 'yes' }).length).toBeGreaterThan(0);
  });

  it('re-signs ad hoc after flipping fuses, so unsigned Apple Silicon builds launch', () => {
    // @electron/fuses README, "Apple Silicon": without a codesign right after flipping, arm64 apps
    // "refuse to launch with code signature validation errors".
    expect(section('electronFuses')['resetAdHocDarwinSignature']).toBe(true);
  });

  it('names a deb maintainer with an email (the fpm target throws without one)', () => {
    // app-builder-lib FpmTarget: maintainer ?? `${author.name} <${author.email}>`, else
    // "Please specify author 'email'". package.json's author has no email.
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      author: unknown;
      productName?: string;
    };
    const maintainer =
      (section('deb')['maintainer'] as string | undefined) ??
      (section('linux')['maintainer'] as string | undefined);
    const authorEmail = typeof pkg.author === 'object' && pkg.author !== null && 'email' in pkg.author;
    expect(authorEmail || /^[^<>]+ <[^\s<>@]+@[^\s<>@]+>$/.test(maintainer ?? '')).toBe(true);
  });

  it('gives Electron the same product name as the package, so dev and packaged builds share userData and the lock', () => {
    // Electron's app.getName(): package.json `productName` is preferred over `name`; userData is
    // <appData>/<name>, and the single-instance lock lives there.
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { productName?: string };
    expect(pkg.productName).toBe('Harbormaster');
    expect(config['productName']).toBe(pkg.productName);
  });

  it('flips the security fuses for release builds', () => {
    expect(section('electronFuses')).toEqual({
      resetAdHocDarwinSignature: true,
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
      // The SSH_ASKPASS helper of "Trust this host…" (app/remote/trust-channel.ts reads it from here).
      'assets/askpass/**/*',
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
