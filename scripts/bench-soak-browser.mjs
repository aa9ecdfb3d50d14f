#!/usr/bin/env node
// The browser side of `npm run bench:soak`, in its own process: Playwright's driver runs inside
// the Node process that launches the browser, and it parses every CDP event, including each
// ~0.5 MB WebSocket frame the page receives. In the core's process that was charged to serve's CPU
// (and its event loop). Usage: node scripts/bench-soak-browser.mjs URL (with an IPC channel);
// sends 'ready' once the page is open, and answers 'collect' with the seqs the page received.
import { chromium } from 'playwright-core';

const url = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
// Counted inside the page, on the WebSocket the app itself opened: what the window received.
await page.addInitScript(() => {
  const seqs = [];
  globalThis.__soakSeqs = seqs;
  const Native = globalThis.WebSocket;
  globalThis.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string' || !e.data.startsWith('{"type":"event","event":"snapshot"')) return;
        const m = /"seq":(\d+)/.exec(e.data);
        if (m) seqs.push(Number(m[1]));
      });
    }
  };
});
await page.goto(url);
process.send('ready');
process.on('message', async (m) => {
  if (m !== 'collect') return;
  const seqs = await page.evaluate(() => globalThis.__soakSeqs);
  await browser.close();
  process.send({ seqs }, () => process.exit(0));
});
