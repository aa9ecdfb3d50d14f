#!/usr/bin/env node
// The `harbormaster` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs
// through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/app/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('harbormaster: not built yet. Run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
