#!/usr/bin/env node
// `npm run bench:health` (issue 14): what health for many listeners costs, against the built dist.
// Real listeners in one child process (scripts/health-fleet.mjs, a `node` owner), probed the way
// `list --health` and the window do (the monitor, bulk policy, ≤ 4 in flight), and, in the same
// run, two named baselines on the same listeners:
//   floor  a naive unlimited Promise.all of the same probes (no limit, no politeness)
//   curl   sequential `curl -s -o /dev/null` (with `-m 2` on silent listeners, or it waits forever)
// Workloads: N = 10, 100, 500 healthy HTTP servers; 100 silent servers (web-looking owner: one GET,
// then the 2 s deadline); 100 silent servers of another owner (connect and banner only); a mix of
// 80 healthy, 10 silent web-looking and 10 silent other. Wall and CPU (this process; curl: its
// reaped children) per workload, medians of 3 rounds where a round is cheap.
import { execFile, fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

const dist = new URL('../dist/app/health/', import.meta.url);
const { createHealthMonitor } = await import(new URL('monitor.js', dist).href);
const { probeListener } = await import(new URL('probe.js', dist).href);
const { countingProbe } = await import(new URL('../testing/counting-probe.js', dist).href);

const TICK_MS = 10; // USER_HZ = 100
function childCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * TICK_MS;
}
function ownCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const fleet = fork(new URL('health-fleet.mjs', import.meta.url), ['500', '100'], { stdio: 'inherit' });
const { ports } = await new Promise((resolve) => fleet.once('message', resolve));

function owner(name) {
  return {
    kind: 'process',
    pid: fleet.pid,
    name,
    command: `${name} app`,
    exe: null,
    cwd: null,
    user: 'root',
    uid: 0,
    startToken: '1',
  };
}
function listener(port, name = 'node') {
  return {
    id: `tcp4:127.0.0.1:${port}`,
    protocol: 'tcp',
    family: 4,
    address: '127.0.0.1',
    port,
    exposure: 'loopback',
    owner: owner(name),
    service: null,
  };
}

const workloads = [
  { name: 'healthy N=10', listeners: ports.http.slice(0, 10).map((p) => listener(p)), rounds: 3 },
  { name: 'healthy N=100', listeners: ports.http.slice(0, 100).map((p) => listener(p)), rounds: 3 },
  { name: 'healthy N=500', listeners: ports.http.map((p) => listener(p)), rounds: 3 },
  { name: 'silent 100 (web owner)', listeners: ports.silent.map((p) => listener(p)), rounds: 1 },
  { name: 'silent 100 (other owner)', listeners: ports.silent.map((p) => listener(p, 'python3')), rounds: 1 },
  {
    name: 'mix 80+10+10',
    listeners: [
      ...ports.http.slice(0, 80).map((p) => listener(p)),
      ...ports.silent.slice(0, 10).map((p) => listener(p)),
      ...ports.silent.slice(10, 20).map((p) => listener(p, 'python3')),
    ],
    rounds: 1,
  },
];

/** Ours: the monitor as `list --health` uses it, counting probes in flight. */
async function ours(listeners) {
  const { probe, maxInFlight } = countingProbe();
  const monitor = createHealthMonitor({ probe, paused: true });
  const r = await timed(() => Promise.all(listeners.map((l) => monitor.checkNow(l, { bulk: true }))));
  monitor.dispose();
  return { ...r, maxActive: maxInFlight() };
}

/** Floor: the same probes, all at once, no limit. */
function floor(listeners) {
  return timed(() => Promise.all(listeners.map((l) => probeListener(l, { onRequest: false }))));
}

function curlOne(l, silent) {
  return new Promise((resolve) => {
    const args = ['-s', '-o', '/dev/null', ...(silent ? ['-m', '2'] : []), `http://127.0.0.1:${l.port}/`];
    execFile('curl', args, () => resolve());
  });
}

/** A user's baseline: curl, one after the other. Silent ones: 3 measured, scaled to all. */
async function curl(listeners) {
  const silentPorts = new Set(ports.silent);
  const healthy = listeners.filter((l) => !silentPorts.has(l.port));
  const silent = listeners.filter((l) => silentPorts.has(l.port));
  const sample = silent.slice(0, 3);
  const a = await timed(async () => {
    for (const l of healthy) await curlOne(l, false);
  }, true);
  const b = await timed(async () => {
    for (const l of sample) await curlOne(l, true);
  }, true);
  const scale = sample.length > 0 ? silent.length / sample.length : 0;
  return { wallMs: a.wallMs + b.wallMs * scale, cpuMs: a.cpuMs + b.cpuMs * scale, scaled: scale > 1 };
}

async function timed(fn, children = false) {
  const cpu0 = children ? childCpuMs() : ownCpuMs();
  const t0 = performance.now();
  const results = await fn();
  return {
    wallMs: performance.now() - t0,
    cpuMs: (children ? childCpuMs() : ownCpuMs()) - cpu0,
    results,
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

console.log(
  `bench:health — ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}, Node ${process.version}`,
);
// Warm up the JIT on both paths, so round 1 is not a compile benchmark.
await ours(workloads[1].listeners);
await floor(workloads[1].listeners);
await sleep(300);

const rows = [];
for (const w of workloads) {
  const o = [];
  const f = [];
  for (let i = 0; i < w.rounds; i += 1) {
    o.push(await ours(w.listeners));
    await sleep(200);
    f.push(await floor(w.listeners));
    await sleep(200);
  }
  const c = await curl(w.listeners);
  const up = o.at(-1).results.filter((h) => h.state === 'up').length;
  rows.push({
    name: w.name,
    oursWall: median(o.map((x) => x.wallMs)),
    oursCpu: median(o.map((x) => x.cpuMs)),
    inFlight: Math.max(...o.map((x) => x.maxActive)),
    up: `${up}/${w.listeners.length}`,
    floorWall: median(f.map((x) => x.wallMs)),
    floorCpu: median(f.map((x) => x.cpuMs)),
    curlWall: c.wallMs,
    curlCpu: c.cpuMs,
    curlScaled: c.scaled,
  });
  console.log(`  done: ${w.name}`);
}

console.log('');
console.log(
  'workload                  | ours wall | ours CPU | ≤ in flight | up      | floor wall | floor CPU | curl wall  | curl CPU  | ours/floor wall | curl/ours wall',
);
for (const r of rows) {
  console.log(
    [
      r.name.padEnd(25),
      fmt(r.oursWall).padStart(9),
      fmt(r.oursCpu).padStart(8),
      String(r.inFlight).padStart(11),
      r.up.padEnd(7),
      fmt(r.floorWall).padStart(10),
      fmt(r.floorCpu).padStart(9),
      `${fmt(r.curlWall)}${r.curlScaled ? '*' : ''}`.padStart(10),
      `${fmt(r.curlCpu)}${r.curlScaled ? '*' : ''}`.padStart(9),
      ratio(r.oursWall, r.floorWall).padStart(15),
      ratio(r.curlWall, r.oursWall).padStart(14),
    ].join(' | '),
  );
}
console.log('');
console.log(
  'ours: the monitor, bulk policy, ≤ 4 probes in flight (silent peers park after 40 ms), one per host:port.',
);
console.log(
  'floor: the same probes with no limit. curl: sequential `curl -s -o /dev/null` (CPU of reaped children).',
);
console.log('* silent listeners: curl -m 2 measured on 3 of them and scaled (each costs its 2 s timeout).');
console.log('CPU: this process only; the servers run in a child and are not counted.');
fleet.kill();
