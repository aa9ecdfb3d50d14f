#!/usr/bin/env node
// `npm test`: on a fresh machine first the set-up (scripts/setup: the system packages the tests
// need, then `npm ci` when node_modules is missing or stale; with everything present it installs
// nothing), then lint, format, type-check, build, unit/integration tests (Vitest) and end-to-end tests
// (Playwright in a system Chromium). Every step runs even when an earlier one fails, so one run shows
// everything; the exit code is non-zero if anything failed. The last line is the plain
// `N passed, N failed` summed over all runners (checks count one each), which CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureTestEnvironment } from './setup/setup-test-env.mjs';

// Set-up failed (or needs a person: the exact command is printed above): run nothing, but still
// end with the summary line CI reads.
if (process.env['HARBORMASTER_SKIP_SETUP'] !== '1' && !ensureTestEnvironment()) {
  console.log('0 passed, 1 failed, 0 skipped (set-up failed, no test was run)');
  process.exit(1);
}

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const npx = (args, env = {}) =>
  spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', env: { ...process.env, ...env } });

mkdirSync('reports', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function check(name, args) {
  if (!want(name)) return;
  console.log(`\n── ${name}: ${args.join(' ')}`);
  const r = npx(args);
  const okRun = r.status === 0;
  totals[okRun ? 'passed' : 'failed'] += 1;
  lines.push(`${name}: ${okRun ? 1 : 0} passed, ${okRun ? 0 : 1} failed`);
}

check('lint', ['eslint', '--max-warnings=0', '.']);
check('format', ['prettier', '--check', '.']);
check('typecheck:shared', ['tsc', '-p', 'tsconfig.shared.json']);
check('typecheck:node', ['tsc', '-p', 'tsconfig.node.json']);
check('typecheck:web', ['tsc', '-p', 'tsconfig.web.json']);
check('build', ['npm', 'run', '--silent', 'build']);

if (want('unit')) {
  console.log('\n── unit: vitest run');
  rmSync('reports/vitest.json', { force: true });
  const r = npx([
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=reports/vitest.json',
  ]);
  if (existsSync('reports/vitest.json')) {
    const j = JSON.parse(readFileSync('reports/vitest.json', 'utf8'));
    const failedSuites = (j.testResults ?? []).filter(
      (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
    ).length;
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests + failedSuites;
    totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    lines.push(
      `unit: ${j.numPassedTests} passed, ${j.numFailedTests + failedSuites} failed, ${j.numPendingTests ?? 0} skipped`,
    );
  } else {
    totals.failed += 1;
    lines.push(`unit: 0 passed, 1 failed (vitest wrote no report, exit ${r.status})`);
  }
  if (r.status !== 0 && totals.failed === 0) {
    // Vitest failed without a failing test (an unhandled error, a crash): that is a failure too.
    totals.failed += 1;
    lines.push(`unit: vitest exited ${r.status}`);
  }
}

if (want('e2e')) {
  console.log('\n── e2e: playwright test');
  rmSync('reports/playwright.json', { force: true });
  const r = npx(['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: 'reports/playwright.json',
  });
  if (existsSync('reports/playwright.json')) {
    const report = JSON.parse(readFileSync('reports/playwright.json', 'utf8'));
    const s = report.stats ?? {};
    // Say why each skipped spec did not run (e.g. the Electron runtime cannot be downloaded here):
    // a skip is never counted as a pass.
    const skips = [];
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          if (t.status !== 'skipped') continue;
          const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
          skips.push(`  skipped: ${spec.file ?? ''} › ${spec.title} — ${why}`);
        }
      }
      for (const child of suite.suites ?? []) walk(child);
    };
    for (const suite of report.suites ?? []) walk(suite);
    if (skips.length > 0) console.log(`\n${skips.join('\n')}`);
    const failed = s.unexpected ?? 0;
    totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
    totals.failed += failed;
    totals.skipped += s.skipped ?? 0;
    lines.push(
      `e2e: ${(s.expected ?? 0) + (s.flaky ?? 0)} passed, ${failed} failed, ${s.skipped ?? 0} skipped (flaky: ${s.flaky ?? 0})`,
    );
    if (r.status !== 0 && failed === 0) {
      totals.failed += 1;
      lines.push(`e2e: playwright exited ${r.status}`);
    }
  } else {
    totals.failed += 1;
    lines.push(`e2e: 0 passed, 1 failed (playwright wrote no report, exit ${r.status})`);
  }
}

console.log('\n── summary');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
