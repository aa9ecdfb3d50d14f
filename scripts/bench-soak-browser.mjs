#!/usr/bin/env node
// The browser side of `npm run bench:soak`, in its own process: Playwright's driver runs inside
// the Node process that launches the browser, and it parses every CDP event, including each
// ~0.5 MB WebSocket frame the page receives. In the core's process that was charged to serve's CPU
// (and its event loop). Usage: node scripts/bench-soak-browser.mjs URL (with an IPC channel);
// sends 'ready' once the page is open, and answers 'collect' with the seqs the page received
// (full snapshots and deltas alike) and how many of each, and resyncs.
import { chromium } from 'playwright-core';

const url = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
// Counted inside the page, on the WebSocket the app itself opened: what the window received. A
// push is a full `snapshot` or a `snapshot-delta` (app/contract/ws-protocol.ts); either way the
// first "seq" in its text is the pushed snapshot's. Resyncs the app asked for are counted too (a
// delta that did not fit: 0 expected).
await page.addInitScript(() => {
  const seqs = [];
  const counts = { full: 0, delta: 0, resync: 0 };
  globalThis.__soakSeqs = seqs;
  globalThis.__soakCounts = counts;
  const Native = globalThis.WebSocket;
  globalThis.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        const m = /^\{"type":"event","event":"snapshot(-delta)?","data":\{(?:"snapshot":\{)?"seq":(\d+)/.exec(
          e.data,
        );
        if (!m) return;
        if (m[1]) counts.delta += 1;
        else counts.full += 1;
        seqs.push(Number(m[2]));
      });
    }
    send(data) {
      if (typeof data === 'string' && data.startsWith('{"type":"resync"')) counts.resync += 1;
      super.send(data);
    }
  };
});
await page.goto(url);
process.send('ready');
process.on('message', async (m) => {
  if (m !== 'collect') return;
  const { seqs, counts } = await page.evaluate(() => ({
    seqs: globalThis.__soakSeqs,
    counts: globalThis.__soakCounts,
  }));
  await browser.close();
  process.send({ seqs, counts }, () => process.exit(0));
});
