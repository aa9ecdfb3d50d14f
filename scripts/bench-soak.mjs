#!/usr/bin/env node
// `npm run bench:soak` (not part of npm test): `harbormaster serve` with one connected Chromium
// (/usr/bin/chromium through playwright-core, in a child process), 1000 listeners of which 10 % are replaced after
// every poll, for --minutes=N (default 10). The serve core runs in this process (the same
// startServe + createHarbormasterService that `harbormaster serve` runs) so its event loop, RSS
// and CPU can be measured from inside; listeners live in 10 processes a launcher starts. Prints, after a
// warm-up of --warmup=S seconds (default 60): RSS growth (target ≤ 10 MB), longest event-loop
// stall (≤ 100 ms), mean CPU (≤ 3 % of a core) and pushes lost (0: every seq the core pushed
// arrived in the browser, in order). Issue 14 item 4.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { numberArg, usePrivateDataDir } from './bench-support.mjs';

// Never the user's port history (scripts/bench-support.mjs).
usePrivateDataDir();

const opt = numberArg;
const MINUTES = opt('minutes', 10);
const WARMUP_S = opt('warmup', 60);
const LISTENERS = opt('listeners', 1000);
const CHILDREN = 10;
const REPLACE = 0.1;

const dist = new URL('../dist/', import.meta.url);
const rendererDir = fileURLToPath(new URL('renderer', dist));
if (!existsSync(fileURLToPath(new URL('renderer/index.html', dist)))) {
  console.error('dist/renderer is missing: run `npm run build` (npm run bench:soak does).');
  process.exit(2);
}
const { createHarbormasterService } = await import(new URL('app/service/create-service.js', dist).href);
const { startServe } = await import(new URL('app/serve/server.js', dist).href);

// ── listeners: 10 children × 100, each replaces its share on request ────────────────────────
const CHILD = `
const net = require('node:net');
const n = Number(process.argv[1]); // node -e CODE N: N is argv[1] (argv[2] gave 0, so ~100 in all)
const servers = [];
// A silent server that reads what it is sent and closes when the client does, as real servers do
// (one that never reads never sees the probe hang up: it kept every probe's connection open and
// grew to thousands of fds, which every owner walk then read).
const serve = (c) => { c.on('error', () => {}); c.resume(); };
const open = () => new Promise((r) => { const s = net.createServer(serve); s.listen(0, '127.0.0.1', () => r(s)); });
(async () => {
  for (let i = 0; i < n; i++) servers.push(await open());
  process.send('ready');
  process.on('message', async (k) => {
    const gone = servers.splice(0, k);
    for (const s of gone) s.close();
    for (let i = 0; i < k; i++) servers.push(await open());
  });
})();`;
// The listener processes are started by a launcher, as a shell or npm starts a user's servers:
// with serve itself as their parent, every poll that found new sockets also read serve's own
// ~140 fds (parked probes, the WebSocket) to see whether the parent shares them (forked servers
// report their outermost holder), a cost no user's setup has.
const LAUNCHER = `
const { spawn } = require('node:child_process');
const [code, children, each] = process.argv.slice(1);
const kids = [];
for (let i = 0; i < Number(children); i++)
  kids.push(spawn(process.execPath, ['-e', code, each], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
let ready = 0;
for (const c of kids) c.once('message', () => { if (++ready === kids.length) process.send(kids.map((k) => k.pid)); });
process.on('message', (k) => { for (const c of kids) c.send(k, (e) => e && process.send({ deadKid: true })); });
process.on('disconnect', () => { for (const c of kids) c.kill('SIGKILL'); process.exit(0); });
process.on('SIGTERM', () => { for (const c of kids) c.kill('SIGKILL'); process.exit(0); });`;
const launcher = spawn(
  process.execPath,
  ['-e', LAUNCHER, CHILD, String(CHILDREN), String(LISTENERS / CHILDREN)],
  { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
);
const kidPids = new Set(await new Promise((r) => launcher.once('message', r)));
launcher.on('message', (m) => m?.deadKid && (deadKidErrors += 1));
let warmed = false;
const stopKids = () => {
  for (const pid of kidPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (launcher.exitCode === null) launcher.kill('SIGKILL');
};
process.on('exit', stopKids);

// ── serve, in process ───────────────────────────────────────────────────────────────────────
// serve records its scans in the port history, as it does for a user (into the private folder).
// --no-probes: the same soak with health checks off, to tell what probing 50 new listeners a
// second costs from what the rest of serve costs (the closing figures name both).
const PROBES = !process.argv.includes('--no-probes');
const service = await createHarbormasterService({ env: process.env, autoProbe: PROBES });
const started = await startServe({ service, staticDir: rendererDir, port: 0 });
if (!started.ok) throw new Error(started.error.message);
const server = started.value;
const pushed = [];
let lastScan = null;
let deadKidErrors = 0;
let scans = 0;
let seenMin = Infinity;
let seenMax = 0;
service.onSnapshot((s) => {
  pushed.push(s.seq);
  const mine = s.listeners.filter((l) => kidPids.has(l.owner.pid ?? -1)).length;
  if (warmed) {
    seenMin = Math.min(seenMin, mine);
    seenMax = Math.max(seenMax, mine);
  }
  // 10 % of the listeners are replaced after every poll (a scan: a new takenAt; health results
  // also push a snapshot, rebuilt from the same scan).
  if (s.takenAt === lastScan) return;
  lastScan = s.takenAt;
  scans += 1;
  const k = Math.round((LISTENERS * REPLACE) / CHILDREN);
  // A child that died (killed from outside on a shared machine) must not crash the core under
  // test with an unhandled EPIPE; the launcher counts it instead.
  launcher.send(k, (e) => e && (deadKidErrors += 1));
});

// The browser and its Playwright driver run in a child process (scripts/bench-soak-browser.mjs):
// what is measured here is the core alone.
const browserSide = spawn(
  process.execPath,
  [fileURLToPath(new URL('bench-soak-browser.mjs', import.meta.url)), server.url],
  { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
);
process.on('exit', () => browserSide.exitCode === null && browserSide.kill('SIGKILL'));
await new Promise((r) => browserSide.once('message', r));

// ── measure ─────────────────────────────────────────────────────────────────────────────────
const loop = monitorEventLoopDelay({ resolution: 10 });
const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// CPU ticks of the main thread and of the others (V8's GC and compiler helpers, libuv's pool):
// the event loop's share is what serve's own code costs.
const TICK_MS = 10; // USER_HZ is 100 on Linux
const threadTicks = () => {
  let main = 0;
  let other = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
      if (Number(tid) === process.pid) main += ticks;
      else other += ticks;
    } catch {
      // a thread that ended meanwhile
    }
  }
  return { main, other };
};
const t0 = performance.now();
const endAt = t0 + MINUTES * 60_000;
const samples = [];
let warm = null;
while (performance.now() < endAt) {
  await new Promise((r) => setTimeout(r, 1000));
  const t = performance.now();
  if (warm === null && t - t0 >= WARMUP_S * 1000) {
    global.gc?.();
    warm = { t, rss: rssMb(), heap: heapMb(), cpu: cpuMs(), threads: threadTicks(), pushed: pushed.length };
    warmed = true;
    loop.enable();
  }
  if (warm) samples.push({ t, rss: rssMb() });
}
loop.disable();
const end = {
  t: performance.now(),
  cpu: cpuMs(),
  threads: threadTicks(),
  rss: rssMb(),
  pushed: pushed.length,
};
// With --expose-gc: live JS heap after a full collection at warm-up and at the end. RSS alone
// cannot tell a leak from a heap V8 has not shrunk yet; this can.
global.gc?.();
const heapEnd = heapMb();
await new Promise((r) => setTimeout(r, 3000)); // the last push reaches the browser
const { seqs: received, counts } = await new Promise((r) => {
  browserSide.once('message', r);
  browserSide.send('collect');
});
await server.close();
await service.dispose();
stopKids();

// Pushes sent while the browser was connected, from the first one it saw.
const firstSeen = received[0] ?? Infinity;
const lastPushed = pushed[end.pushed - 1] ?? 0; // pushes after the end may still be in flight
const expected = pushed.filter((s) => s >= firstSeen && s <= lastPushed);
const inOrder = received.every((s, i) => i === 0 || s > received[i - 1]);
const got = new Set(received);
const lost = expected.filter((s) => !got.has(s)).length;
const tail = samples.slice(-Math.max(1, Math.floor(samples.length / 10)));
const rssEnd = tail.reduce((a, s) => a + s.rss, 0) / tail.length; // the last 10 %, averaged
const growth = rssEnd - (warm?.rss ?? rssEnd);
const stall = loop.max / 1e6;
const cpuPct = (100 * (end.cpu - (warm?.cpu ?? 0))) / (end.t - (warm?.t ?? t0));
const verdict = (ok, by) => (ok ? 'met' : `MISSED by ${by}`);
console.log(
  `bench:soak  ${MINUTES} min (warm-up ${WARMUP_S} s)  ${LISTENERS} listeners, ${REPLACE * 100} % replaced per poll${PROBES ? '' : '  HEALTH PROBES OFF (--no-probes)'}  ${cpus().length} cores  Node ${process.version}  load avg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `snapshots pushed ${end.pushed} (scans ${scans}), received in the browser ${received.length} (${counts.full} full, ${counts.delta} deltas; resyncs asked ${counts.resync})${deadKidErrors ? `; ${deadKidErrors} sends to a dead listener child failed` : ''}`,
);
// The workload itself, as the core saw it: a soak over fewer listeners than asked proves little.
console.log(
  `listeners of the workload in each snapshot after warm-up: ${seenMin}–${seenMax} (asked ${LISTENERS})${seenMin < LISTENERS * 0.9 ? '  WORKLOAD TOO SMALL' : ''}`,
);
console.log(
  `RSS after warm-up ${warm?.rss.toFixed(1)} MB → end ${rssEnd.toFixed(1)} MB: growth ${growth.toFixed(1)} MB  (≤ 10 MB: ${verdict(growth <= 10, `${(growth - 10).toFixed(1)} MB`)})`,
);
if (global.gc && warm)
  console.log(
    `live JS heap after a full GC: warm-up ${warm.heap.toFixed(1)} MB → end ${heapEnd.toFixed(1)} MB (${(heapEnd - warm.heap).toFixed(1)} MB)`,
  );
else console.log('live JS heap: run with node --expose-gc to tell a leak from heap growth');
console.log(
  `longest event-loop stall ${stall.toFixed(1)} ms  (≤ 100 ms: ${verdict(stall <= 100, `${(stall - 100).toFixed(1)} ms`)})`,
);
console.log(
  `mean CPU ${cpuPct.toFixed(2)} % of a core  (≤ 3 %: ${verdict(cpuPct <= 3, `${(cpuPct - 3).toFixed(2)} points`)})`,
);
if (warm) {
  const span = end.t - warm.t;
  const share = (k) => ((100 * (end.threads[k] - warm.threads[k]) * TICK_MS) / span).toFixed(2);
  console.log(
    `  of which the main thread ${share('main')} %, the other threads (V8 GC and compiler, libuv) ${share('other')} %`,
  );
}
console.log(
  `pushes lost ${lost} of ${expected.length}${inOrder ? ', all in order' : ', OUT OF ORDER'}  (0: ${verdict(lost === 0 && inOrder, String(lost))})`,
);
process.exit(0);
