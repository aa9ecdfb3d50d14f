#!/usr/bin/env node
// `npm run bench:cli`: how fast the `harbormaster` command starts and answers, next to Node's own
// start and the tools people compare it with, all in one run (issue 14 item 2). Every command is
// run REPS times, round-robin (so machine load hits every row alike), against one HTTP listener
// this script starts; the table prints median and min wall ms and the ratio of the median to
// `node -e ''`. Target: every `harbormaster` row ≤ 1.5× node.
// CPU ms (user + system of the child, 10 ms ticks) is printed too: on a loaded machine wall time
// is mostly waiting for a core, and CPU shows the work each command really does.
// Options: --reps=N (default 10), --port=N (default 3000, or a free port if 3000 is taken).
// Peer tools are devDependencies pinned for this benchmark only: pid-port (lookup), kill-port and
// fkill-cli (kill; here only their "nothing to kill" path, the full kill is `npm run bench:kill`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { numberArg, usePrivateDataDir } from './bench-support.mjs';

// Never the user's port history (scripts/bench-support.mjs).
usePrivateDataDir();

const REPS = numberArg('reps', 10);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/harbormaster.js', import.meta.url));
const nodeBin = (p) => fileURLToPath(new URL(`../node_modules/${p}`, import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/cli/harbormaster.js', import.meta.url)))) {
  console.error('dist/cli is missing: run `npm run build:cli` (npm run bench:cli does).');
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Set while a row that probes the held port runs: when the target accepted the probe's
 * connection and when it had sent its answer (this process's clock, like `time`'s).
 */
let probeSeen = null;
function listen(port) {
  return new Promise((resolve, reject) => {
    const server = createServer((_q, s) => {
      s.on('finish', () => {
        if (probeSeen) probeSeen.answered = process.hrtime.bigint();
      });
      s.end('<title>bench</title>');
    });
    server.on('connection', () => {
      if (probeSeen) probeSeen.accepted ??= process.hrtime.bigint();
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
/** The port under test: 3000 as in the issue when it is free here, else any free port. */
async function target() {
  const wanted = numberArg('port', 3000);
  try {
    return await listen(wanted);
  } catch {
    return listen(0);
  }
}
// `list` records what it saw in the port history, as it does for a user (into the private folder).
const env = { ...process.env };
delete env.HARBORMASTER_HISTORY;
const held = await target();
const port = held.address().port;
const freeServer = await listen(0);
const freePort = freeServer.address().port;
await new Promise((r) => freeServer.close(r)); // a port nothing holds, for the kill tools' lookup

/** CPU ms of this process's reaped children (cutime + cstime, USER_HZ = 100). */
function childCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/**
 * Runs argv to exit; resolves wall ms, CPU ms (10 ms ticks), exit code and output, and with
 * `probes` the ms from the start to the target's accept of the probe and from there to its answer.
 */
function time(argv, probes = false) {
  return new Promise((resolve) => {
    const cpu0 = childCpuMs();
    const seen = (probeSeen = probes ? {} : null);
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (errText += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      probeSeen = null;
      const probe =
        seen?.accepted && seen.answered
          ? {
              toProbe: Number(seen.accepted - started) / 1e6,
              atTarget: Number(seen.answered - seen.accepted) / 1e6,
            }
          : null;
      resolve({ ms, cpu: childCpuMs() - cpu0, code, out, err: errText, probe });
    });
  });
}

const hm = (...a) => [process.execPath, bin, ...a];
const rows = [
  { name: "node -e ''", argv: [process.execPath, '-e', ''], base: true },
  { name: `harbormaster who ${port}`, argv: hm('who', String(port)), ours: true, expect: [0] },
  { name: 'harbormaster list --json', argv: hm('list', '--json'), ours: true, expect: [0] },
  { name: `harbormaster free ${port}`, argv: hm('free', String(port)), ours: true, expect: [1, 3] },
  {
    // The probe policy waits WEB_BANNER_MS (20 ms, app/health/policy.ts) for a server-first
    // banner before it sends HTTP even to a web server: a wait, not work, printed beside the row,
    // with what the target saw: when it accepted the probe (the command's start, like kill's
    // "to the prompt") and how long the probe was with it (the silent wait, the request, the
    // answer), and the wall time without that.
    name: `harbormaster check ${port}`,
    argv: hm('check', String(port)),
    ours: true,
    expect: [0],
    policyWaitMs: 20,
    probes: true,
  },
  {
    // Everything kill does before it would ask (scan, owner, identity, every port it holds),
    // then a refusal: --pid names a process that does not hold the port, so nothing is signalled.
    name: `harbormaster kill ${port} (to the prompt)`,
    argv: hm('kill', String(port), '--yes', '--pid', String(process.pid)),
    ours: true,
    expect: [3],
  },
  { name: `lsof -nP -iTCP:${port} -sTCP:LISTEN`, argv: ['lsof', '-nP', `-iTCP:${port}`, '-sTCP:LISTEN'] },
  { name: `ss -Htlnp 'sport = :${port}'`, argv: ['ss', '-Htlnp', `sport = :${port}`] },
  {
    name: `pid-port portToPid(${port})`,
    argv: [
      process.execPath,
      '--input-type=module',
      '-e',
      `import { portToPid } from 'pid-port'; console.log(await portToPid(${port}));`,
    ],
  },
  {
    name: `kill-port ${freePort} (nothing there)`,
    argv: [process.execPath, nodeBin('kill-port/cli.js'), String(freePort)],
  },
  {
    name: `fkill --force :${freePort} (nothing there)`,
    argv: [process.execPath, nodeBin('fkill-cli/cli.js'), '--force', '--silent', `:${freePort}`],
  },
];

for (const r of rows) {
  r.ms = [];
  r.cpu = [];
  r.toProbe = [];
  r.atTarget = [];
  r.withoutTarget = [];
}
// One untimed round first: page cache and lazy kernel state warm for every row alike.
for (const r of rows) await time(r.argv);
for (let i = 0; i < REPS; i += 1) {
  for (const r of rows) {
    const t = await time(r.argv, r.probes === true);
    r.ms.push(t.ms);
    r.cpu.push(t.cpu);
    if (t.probe) {
      r.toProbe.push(t.probe.toProbe);
      r.atTarget.push(t.probe.atTarget);
      r.withoutTarget.push(t.ms - t.probe.atTarget);
    } else if (r.probes) {
      console.error(`${r.name}: the target saw no probe`);
      process.exitCode = 1;
    }
    if (r.expect && !r.expect.includes(t.code)) {
      console.error(`${r.name}: exit ${t.code}\n${t.out}${t.err}`);
      process.exitCode = 1;
    }
  }
}
held.close();

const baseRow = rows.find((r) => r.base);
const base = median(baseRow.ms);
const baseCpu = median(baseRow.cpu);
const load = loadavg().map((x) => x.toFixed(2));
console.log(
  `bench:cli  ${REPS} reps each, round-robin  port ${port}  ${cpus().length} cores  Node ${process.version}  load avg ${load.join(' ')}`,
);
console.log(
  `${'command'.padEnd(44)} ${'wall ms'.padStart(8)} ${'min'.padStart(7)} ${'× node'.padStart(7)} ${'CPU ms'.padStart(7)} ${'× node'.padStart(7)}  target (wall ≤ 1.5× node)`,
);
for (const r of rows) {
  const m = median(r.ms);
  const ratio = m / base;
  let verdict = r.ours ? (ratio <= 1.5 ? 'met (≤ 1.5×)' : `MISSED by ${(ratio - 1.5).toFixed(2)}×`) : '';
  if (r.policyWaitMs) {
    verdict += `; without its ${r.policyWaitMs} ms banner wait ${((m - r.policyWaitMs) / base).toFixed(2)}×`;
  }
  if (r.toProbe.length > 0) {
    const toProbe = median(r.toProbe) / base;
    verdict +=
      `; to the probe (the target's accept) ${toProbe.toFixed(2)}× ${toProbe <= 1.5 ? 'met' : 'MISSED'}` +
      `; with the target ${median(r.atTarget).toFixed(1)} ms (wait + request + answer),` +
      ` wall without it ${(median(r.withoutTarget) / base).toFixed(2)}×`;
  }
  console.log(
    `${r.name.padEnd(44)} ${m.toFixed(1).padStart(8)} ${Math.min(...r.ms)
      .toFixed(1)
      .padStart(
        7,
      )} ${ratio.toFixed(2).padStart(7)} ${median(r.cpu).toFixed(0).padStart(7)} ${(median(r.cpu) / baseCpu).toFixed(2).padStart(7)}  ${verdict}`,
  );
}
console.log(
  `load avg after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
