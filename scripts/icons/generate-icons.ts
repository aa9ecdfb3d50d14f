/**
 * Writes every icon in ICON_SPECS under assets/. Run with `npm run icons` (compiles this folder to
 * dist/icons with its own tsconfig, then runs it); the generated files are committed, and a test
 * checks they match this code. Build-time only: nothing here ships in the app.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ICON_SPECS, renderSpec } from './icon-set.js';

/** Writes all icons into `assetsDir` and returns the paths written. */
export function generateIcons(assetsDir: string): string[] {
  const written: string[] = [];
  for (const spec of ICON_SPECS) {
    const file = join(assetsDir, spec.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, renderSpec(spec));
    written.push(file);
  }
  return written;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && resolve(process.argv[1]) === self) {
  // `npm run icons` runs from the repository root; a folder may be given instead.
  const target = resolve(process.argv[2] ?? 'assets');
  for (const file of generateIcons(target)) process.stdout.write(`${file}\n`);
}
