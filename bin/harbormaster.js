#!/usr/bin/env node
// The `harbormaster` command: runs the bundled CLI (dist/cli/harbormaster.js, built by
// `npm run build`, which `npm ci` runs through `prepare`). CommonJS (bin/package.json), like the
// bundle: a CommonJS entry never starts Node's ESM loader, part of the CLI's cold start (issue 14
// item 2).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli', 'harbormaster.js');
if (!existsSync(entry)) {
  console.error('harbormaster: not built yet. Run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
