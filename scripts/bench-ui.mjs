#!/usr/bin/env node
// `npm run bench:ui`: renders 5,000 synthetic listeners in headless Chromium and prints the
// median keystroke-to-paint (filter box) and push-to-paint (one row changes) times, for the real
// virtualized list and for a baseline that renders every row (same rows, same components), measured
// in the same run. Target: keystroke-to-paint ≤ 50 ms at 5,000 rows.
//
// The page is a TEST-ONLY entry (renderer/bench/index.html) that injects an in-page fake API; it is
// built into dist/bench-ui, never into dist/renderer.
//
// Options: --reuse (skip the build when dist/bench-ui exists), --n=5000, --screenshots=DIR (also
// write light/dark × popover/full PNGs of a realistic demo list into DIR).
/* global window, document -- page.evaluate callbacks run in the browser. */
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outDir = join(repo, 'dist', 'bench-ui');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const N = Number.parseInt(args.get('n') ?? '5000', 10);
const TARGET_MS = 50;

async function buildBench() {
  if (args.has('reuse') && existsSync(join(outDir, 'bench', 'index.html'))) return;
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(repo, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      rollupOptions: { input: join(repo, 'renderer', 'bench', 'index.html') },
    },
  });
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

function serve() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = normalize(join(outDir, path));
    if (!file.startsWith(outDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function openPage(browser, base, query, context = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...context });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    // Chromium notes that a <meta> CSP cannot carry frame-ancestors (Electron/serve send it as a header).
    if (m.type() === 'error' && !m.text().includes("'frame-ancestors'")) errors.push(m.text());
  });
  await page.goto(`${base}/bench/index.html?${query}`);
  await page.waitForFunction(() => window.__bench?.ready() && document.querySelector('[role="option"]'));
  return { ctx, page, errors };
}

const KEYS = [
  ...'node',
  ...Array(4).fill('Backspace'),
  ...'shop',
  ...Array(4).fill('Backspace'),
  ...'1234',
  ...Array(4).fill('Backspace'),
  ...':3000',
  ...Array(5).fill('Backspace'),
  ...'redis',
  ...Array(5).fill('Backspace'),
];

async function measure(browser, base, baseline) {
  const { ctx, page, errors } = await openPage(browser, base, `n=${N}${baseline ? '&baseline=1' : ''}`);
  const domRows = await page.locator('[role="option"]').count();
  await page.getByRole('searchbox', { name: 'Filter listeners' }).focus();
  const keystrokes = [];
  let inconsistent = 0;
  for (let round = 0; round < 2; round++) {
    for (const key of KEYS) {
      await page.evaluate(() => window.__bench.armKeystroke());
      await page.keyboard.press(key);
      const r = await page.evaluate(() => window.__bench.keystrokeResult());
      if (round > 0) keystrokes.push(r.ms); // round 0 warms up the JIT and caches
      if (!r.consistent) inconsistent++;
    }
  }
  const pushes = [];
  const touched = [];
  const index = await page.evaluate(() => window.__bench.visibleRowIndex());
  for (let i = 0; i < 40; i++) {
    const r = await page.evaluate((ix) => window.__bench.pushChange(ix), index);
    if (i >= 5) {
      pushes.push(r.ms);
      touched.push(r.rowsTouched);
    }
  }
  await ctx.close();
  return {
    domRows,
    keystroke: median(keystrokes),
    keystrokeMax: Math.max(...keystrokes),
    push: median(pushes),
    rowsTouched: Math.max(...touched),
    inconsistent,
    errors,
  };
}

async function screenshots(browser, base, dir) {
  mkdirSync(dir, { recursive: true });
  const shots = [];
  for (const scheme of ['light', 'dark']) {
    for (const [label, viewport] of [
      ['popover', { width: 420, height: 560 }],
      ['full', { width: 1280, height: 760 }],
    ]) {
      const { ctx, page } = await openPage(browser, base, 'demo=1', { viewport, colorScheme: scheme });
      await page.getByRole('option', { name: /Port 5173/ }).click();
      const file = join(dir, `harbormaster-${scheme}-${label}.png`);
      await page.screenshot({ path: file });
      shots.push(file);
      if (label === 'popover') {
        await page.keyboard.press('Control+k');
        await page.getByRole('dialog').waitFor();
        const dialog = join(dir, `harbormaster-${scheme}-${label}-kill.png`);
        await page.screenshot({ path: dialog });
        shots.push(dialog);
        await page.keyboard.press('Enter');
        await page.getByText(/freed in/).waitFor();
        const result = join(dir, `harbormaster-${scheme}-${label}-kill-result.png`);
        await page.screenshot({ path: result });
        shots.push(result);
        await page.keyboard.press('Escape');
        await page.getByRole('searchbox', { name: 'Filter listeners' }).fill('619009');
        const invalid = join(dir, `harbormaster-${scheme}-${label}-invalid-port.png`);
        await page.screenshot({ path: invalid });
        shots.push(invalid);
        await page.getByRole('searchbox', { name: 'Filter listeners' }).fill(':3005');
        await page.getByText(/is free/).waitFor();
        const free = join(dir, `harbormaster-${scheme}-${label}-free-port.png`);
        await page.screenshot({ path: free });
        shots.push(free);
      }
      await ctx.close();
    }
  }
  return shots;
}

async function main() {
  const { chromium } = await import('@playwright/test');
  await buildBench();
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let failed = false;
  try {
    const virt = await measure(browser, base, false);
    const full = await measure(browser, base, true);
    const f = (x) => `${x.toFixed(1)} ms`;
    console.log(
      `bench:ui — ${N} listeners, headless Chromium, medians (keystrokes: ${KEYS.length}, pushes: 35)`,
    );
    console.log('');
    console.log('                          virtualized    baseline (all rows)   ratio');
    console.log(
      `  DOM rows                ${String(virt.domRows).padEnd(14)} ${String(full.domRows).padEnd(21)} ${(full.domRows / virt.domRows).toFixed(0)}×`,
    );
    console.log(
      `  keystroke → paint       ${f(virt.keystroke).padEnd(14)} ${f(full.keystroke).padEnd(21)} ${(full.keystroke / virt.keystroke).toFixed(1)}× faster`,
    );
    console.log(
      `  keystroke → paint (max) ${f(virt.keystrokeMax).padEnd(14)} ${f(full.keystrokeMax).padEnd(21)}`,
    );
    console.log(
      `  push (1 row) → paint    ${f(virt.push).padEnd(14)} ${f(full.push).padEnd(21)} ${(full.push / virt.push).toFixed(1)}× faster`,
    );
    console.log(
      `  rows whose DOM changed  ${String(virt.rowsTouched).padEnd(14)} ${String(full.rowsTouched).padEnd(21)}`,
    );
    console.log('');
    const meets = virt.keystroke <= TARGET_MS;
    console.log(
      `target keystroke → paint ≤ ${TARGET_MS} ms at ${N} rows: ${meets ? 'met' : 'MISSED'} (${f(virt.keystroke)})`,
    );
    if (virt.inconsistent > 0)
      console.log(`warning: ${virt.inconsistent} keystrokes painted before the list matched the filter`);
    if (virt.rowsTouched > 1)
      console.log(`warning: a one-row push changed the DOM of ${virt.rowsTouched} rows`);
    for (const e of [...virt.errors, ...full.errors]) console.log(`page error: ${e}`);
    failed = !meets || virt.errors.length > 0 || virt.inconsistent > 0;
    if (args.has('screenshots')) {
      const dir = resolve(
        args.get('screenshots') === 'true' ? '/tmp/harbormaster-shots' : args.get('screenshots'),
      );
      for (const s of await screenshots(browser, base, dir)) console.log(`screenshot: ${s}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(failed ? 1 : 0);
}

await main();
