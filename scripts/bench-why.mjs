#!/usr/bin/env node
// `npm run bench:why`: wall time of `harbormaster why` (the bundled CLI, as a user runs it) for the
// three cases whose answer needs no waiting (issue 13: within 300 ms): refused (nothing listens),
// answered (an HTTP server on 127.0.0.1) and invalid (localhost:619009). Each is run REPS times,
// round-robin so machine load hits every case alike; prints median and min wall ms, `node -e ''`
// beside them (the floor any Node CLI pays here), and the load average.
// History goes to a temp folder (never the user's). Each case runs with an empty history, with
// history off, and (--history=DIR) with a copy of a real history folder, e.g. a big one written by
// test runs: `npm run bench:why -- --history=$HOME/.local/share/harbormaster/history` (read only:
// the copy is written to and removed). The copy's first run is timed on its own: it summarises
// the closed segments once (app/history/segment-cache.ts). Options: --reps=N (default 10).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repsArg = process.argv.find((x) => x.startsWith('--reps='));
const REPS = repsArg ? Number(repsArg.slice(7)) : 10;
const bin = fileURLToPath(new URL('../bin/harbormaster.js', import.meta.url));
const historyArg = process.argv.find((x) => x.startsWith('--history='))?.slice(10) ?? null;
const dataDir = mkdtempSync(join(tmpdir(), 'bench-why-'));
const bigDir = historyArg === null ? null : mkdtempSync(join(tmpdir(), 'bench-why-big-'));
if (bigDir !== null) cpSync(historyArg, join(bigDir, 'history'), { recursive: true });
const base = { ...process.env };
delete base.HARBORMASTER_HISTORY;
const envs = [
  ['empty history', { ...base, HARBORMASTER_DATA_DIR: dataDir }],
  ['history off', { ...base, HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_HISTORY: 'off' }],
  ...(bigDir === null ? [] : [['copy of --history', { ...base, HARBORMASTER_DATA_DIR: bigDir }]]),
];

const listen = (port) =>
  new Promise((resolve) => {
    const s = createServer((_q, r) => r.end('<title>bench</title>'));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
const held = await listen(0);
const answered = held.address().port;
const probe = await listen(0);
const refused = probe.address().port;
await new Promise((r) => probe.close(r));

function run(argv, env) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ ms: performance.now() - started, code, out }));
  });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const whys = [
  [`why 127.0.0.1:${refused} (refused)`, [process.execPath, bin, 'why', `127.0.0.1:${refused}`], 1],
  [`why localhost:${answered} (answered)`, [process.execPath, bin, 'why', `localhost:${answered}`], 0],
  ['why localhost:619009 (invalid)', [process.execPath, bin, 'why', 'localhost:619009'], 2],
];
const cases = [
  ['node -e ""', [process.execPath, '-e', ''], null, envs[0][1]],
  ...envs.flatMap(([label, env]) => whys.map(([name, argv, want]) => [`${name}, ${label}`, argv, want, env])),
];
let first = null;
if (bigDir !== null) first = await run(whys[0][1], envs[2][1]);
const times = cases.map(() => []);
for (let i = 0; i < REPS; i += 1) {
  for (const [k, [, argv, want, env]] of cases.entries()) {
    const r = await run(argv, env);
    if (want !== null && r.code !== want)
      console.error(`unexpected exit ${r.code} for ${argv.join(' ')}\n${r.out}`);
    times[k].push(r.ms);
  }
}
held.close();
rmSync(dataDir, { recursive: true, force: true });
if (bigDir !== null) rmSync(bigDir, { recursive: true, force: true });
console.log(
  `harbormaster why, ${REPS} runs each, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
if (first !== null)
  console.log(`first run on the copy of ${historyArg} (summarises it): ${first.ms.toFixed(0)} ms`);
for (const [k, [name]] of cases.entries()) {
  console.log(
    `${name.padEnd(62)} median ${median(times[k]).toFixed(0).padStart(5)} ms   min ${Math.min(...times[k])
      .toFixed(0)
      .padStart(5)} ms`,
  );
}
