#!/usr/bin/env node
// `npm run bench:row`: the time from "a new server starts listening" to "its row is visible" in the
// window, through the real `harbormaster serve` in headless Chromium (issue 16's closing note asks
// for the median of 10). Each run picks a free port, types `:PORT` in the filter, starts a real
// Node HTTP server there and records (in the page's clock, which is this machine's clock) when the
// row appears, minus when the server said it was listening. Prints every sample and the median.
// Needs `npm run build` first. Options: --runs=10.
/* global document -- page.waitForFunction callbacks run in the browser. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { numberArg, usePrivateDataDir } from './bench-support.mjs';

// Never the user's port history (scripts/bench-support.mjs).
usePrivateDataDir();

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const RUNS = numberArg('runs', 10);
const started = [];

function waitForLine(child, pattern, ms) {
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`no ${pattern} within ${ms} ms`)), ms);
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const m = pattern.exec(buf);
      if (m) {
        clearTimeout(timer);
        res({ match: m, at: Date.now() });
      }
    });
  });
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const SERVER = `
const http = require('node:http');
const s = http.createServer((q, r) => r.end('bench-row'));
s.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening ' + s.address().port));
`;

async function main() {
  if (!existsSync(join(repo, 'dist', 'renderer'))) throw new Error('dist/ is missing: run `npm run build`.');
  const serve = spawn(
    process.execPath,
    [join(repo, 'bin', 'harbormaster.js'), 'serve', '--port', '0', '--no-open'],
    {
      cwd: repo,
      // A benchmark never writes to the user's port history.
      env: { ...process.env, HARBORMASTER_HISTORY: 'off' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  started.push(serve);
  const { match } = await waitForLine(serve, /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/, 20_000);
  const executablePath =
    process.env.CHROMIUM_PATH ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  const browser = await chromium.launch({
    headless: true,
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(match[0]);
    await page
      .getByLabel('Scan summary')
      .getByText(/\d+ (listening|shown)/)
      .waitFor();
    // Test servers may run as root: show every scope, so the row is not hidden by a toggle.
    const group = page.getByRole('group', { name: 'View options' });
    for (const name of [/^Other users/, /^System/]) {
      const toggle = group.getByRole('button', { name });
      if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    }
    const samples = [];
    for (let i = 0; i < RUNS; i++) {
      const port = await freePort();
      await page.getByRole('searchbox', { name: 'Filter listeners' }).fill(`:${port}`);
      const seen = page.waitForFunction(
        (p) => (document.querySelector(`[role="option"][data-port="${p}"]:not(.is-gone)`) ? Date.now() : 0),
        port,
        { polling: 'raf', timeout: 30_000 },
      );
      const server = spawn(process.execPath, ['-e', SERVER], {
        env: { ...process.env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      started.push(server);
      const { at } = await waitForLine(server, /listening \d+/, 10_000);
      const visibleAt = await (await seen).jsonValue();
      samples.push(visibleAt - at);
      console.log(`run ${i + 1}: port ${port} row visible ${visibleAt - at} ms after listening`);
      server.kill('SIGTERM');
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
    console.log(
      `new server → row visible: median ${median} ms of ${samples.length} (min ${sorted[0]}, max ${sorted.at(-1)})`,
    );
  } finally {
    await browser.close();
  }
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  });
