#!/usr/bin/env node
// The `harbormaster` command: runs the bundled CLI (dist/cli/harbormaster.js, built by
// `npm run build`, which `npm ci` runs through `prepare`). One bundled file starts several times
// faster than the ~45 tsc-emitted modules it is made of (issue 14 item 2).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/harbormaster.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('harbormaster: not built yet. Run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
