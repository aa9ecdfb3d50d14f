import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appPaths } from './app-paths.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = (file: string) => JSON.parse(readFileSync(join(repo, file), 'utf8')) as Record<string, unknown>;

describe('appPaths', () => {
  it('lines up with package.json "main", the tsc output layout and the Vite output folder', () => {
    const main = json('package.json')['main'] as string;
    expect(main).toBe('dist/main/index.js');
    const build = json('tsconfig.build.json')['compilerOptions'] as Record<string, string>;
    expect(build['outDir']).toBe('dist');
    expect(build['rootDir']).toBe('.');
    const p = appPaths(join(repo, dirname(main)));
    // tsc maps main/X.ts → dist/main/X.js (rootDir "."); the preload is bundled by Vite instead.
    expect(relative(repo, p.preload)).toBe(join('dist', 'main', 'preload', 'preload.cjs'));
    expect(existsSync(join(repo, 'main', 'preload', 'preload.ts'))).toBe(true);
    const preloadConfig = readFileSync(join(repo, 'vite.preload.config.ts'), 'utf8');
    expect(preloadConfig).toContain("outDir: 'dist/main/preload'");
    expect(preloadConfig).toContain("fileName: () => 'preload.cjs'");
    expect(relative(repo, p.coreHostEntry)).toBe(join('dist', 'main', 'core-host', 'core-host-entry.js'));
    expect(existsSync(join(repo, 'main', 'core-host', 'core-host-entry.ts'))).toBe(true);
    expect(readFileSync(join(repo, 'vite.config.ts'), 'utf8')).toContain("outDir: '../dist/renderer'");
    expect(relative(repo, p.rendererRoot)).toBe(join('dist', 'renderer'));
    expect(relative(repo, p.assetsDir)).toBe('assets');
    expect(existsSync(join(p.assetsDir, 'tray', 'tray.png'))).toBe(true);
  });
});
