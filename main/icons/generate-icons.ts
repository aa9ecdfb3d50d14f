/**
 * Writes every icon in ICON_SPECS under assets/. Run with `npm run icons` (builds, then runs the
 * compiled copy); the generated files are committed, and a test checks they match this code.
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
  // dist/main/icons/generate-icons.js → the repository's assets/ is three levels up, unless given.
  const target = process.argv[2] ?? join(resolve(dirname(self), '..', '..', '..'), 'assets');
  for (const file of generateIcons(target)) process.stdout.write(`${file}\n`);
}
