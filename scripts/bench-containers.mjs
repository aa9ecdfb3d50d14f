#!/usr/bin/env node
// Containers row of `npm run bench:scan` (issue 10): the steady-state CPU a snapshot pays for the
// container join (Engine API catalog kept fresh by /events + joining host listeners to
// containers), measured against the same scan without it. Uses the daemon DOCKER_HOST (unix://)
// or the default sockets name; prints a skip line when none answers. Target: 50 running
// containers add ≤ 2 ms CPU to a steady-state snapshot.
const dist = new URL('../dist/app/', import.meta.url);
const { createLinuxScanner } = await import(new URL('scan/linux-scanner.js', dist).href);
const { createLinuxOwnerResolver } = await import(new URL('owners/linux-owners.js', dist).href);
const { createSnapshotter } = await import(new URL('watch/snapshotter.js', dist).href);
const { createContainerCatalog } = await import(new URL('containers/catalog.js', dist).href);
const { joinContainers, createContainerJoiner } = await import(new URL('containers/join.js', dist).href);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

if (process.platform !== 'linux') {
  console.log('containers: skipped (Linux only)');
  process.exit(0);
}
let catalog = createContainerCatalog({ env: process.env });
await catalog.refresh();
let state = catalog.current();
// No daemon of the user's: start the tests' private one (own data root, socket and bridge; never
// the user's Docker) with 50 running containers, each publishing a port held by docker-proxy.
let harness = null;
if (!catalog.client || state.access !== 'ok') {
  const why = state.message ?? state.access;
  catalog.dispose();
  harness = await startPrivateDaemon(Number(process.env.BENCH_CONTAINERS ?? 50));
  if (!harness.ok) {
    console.log(`containers: skipped (no Docker daemon answers: ${why}; private daemon: ${harness.reason})`);
    process.exit(0);
  }
  catalog = createContainerCatalog({ socketPath: harness.harness.socketPath });
  await catalog.refresh();
  state = catalog.current();
}

/** Transpiles the tests' harness (TypeScript, node built-ins only) and starts it with `n` containers. */
async function startPrivateDaemon(n) {
  const { default: ts } = await import('typescript');
  const { readFileSync, writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const src = readFileSync(
    new URL('../app/containers/test-support/docker-harness.ts', import.meta.url),
    'utf8',
  );
  const js = ts.transpileModule(src, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const dir = mkdtempSync(join(tmpdir(), 'hmtest-containers-bench-'));
  writeFileSync(join(dir, 'docker-harness.mjs'), js);
  const { startDockerHarness, freePort } = await import(join(dir, 'docker-harness.mjs'));
  rmSync(dir, { recursive: true, force: true });
  const started = await startDockerHarness({ userlandProxy: true });
  if (!started.ok) return started;
  try {
    for (let i = 0; i < n; i += 1) {
      const port = await freePort();
      await started.harness.run({
        name: `hmtest-containers-bench-${i}`,
        cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
        ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
        labels: { 'com.docker.compose.project': 'hmbench', 'com.docker.compose.service': `web${i}` },
      });
    }
  } catch (e) {
    await started.harness.stop();
    return { ok: false, reason: e.message };
  }
  return started;
}
const memoJoin = createContainerJoiner();
// Joins actually computed (a memo miss: the listeners or the catalog state changed).
let joins = 0;
let lastOut = null;
const join = (listeners, input) => {
  const out = memoJoin(listeners, input);
  if (out !== lastOut) joins += 1;
  lastOut = out;
  return out;
};
const plain = createSnapshotter({
  scanner: createLinuxScanner({ listing: 'netlink' }),
  owners: createLinuxOwnerResolver(),
});
const joined = createSnapshotter({
  scanner: createLinuxScanner({ listing: 'netlink' }),
  owners: createLinuxOwnerResolver(),
  decorate: (s) => {
    const j = join(s.listeners, catalog.current());
    return { ...s, listeners: j.listeners, containers: j.section };
  },
});
const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
const a = [];
const b = [];
const refreshes = [];
for (let i = 0; i < 5; i += 1) {
  await plain.take();
  await catalog.refresh();
  await joined.take();
}
const joinsBefore = joins;
const timedJoined = async () => {
  let t = cpu();
  await catalog.refresh();
  const r = cpu() - t;
  refreshes.push(r);
  await joined.take();
  b.push(cpu() - t);
};
const timedPlain = async () => {
  const t = cpu();
  await plain.take();
  a.push(cpu() - t);
};
for (let i = 0; i < rounds; i += 1) {
  // Alternate the order so neither side always runs on a warmer cache.
  if (i % 2 === 0) {
    await timedPlain();
    await timedJoined();
  } else {
    await timedJoined();
    await timedPlain();
  }
  await new Promise((r) => setTimeout(r, 50));
}
// The join alone, on the last snapshot.
const last = plain.latest();
let j = cpu();
for (let i = 0; i < 100; i += 1) joinContainers(last.listeners, catalog.current());
const joinMs = (cpu() - j) / 100;
// Namespace reads happen once per container on sight, 30 s later, then every 5 min (spread).
const { readInsideSockets } = await import(new URL('containers/netns.js', dist).href);
const running = catalog.current().containers;
let t = cpu();
for (const c of running) if (c.pid !== null) readInsideSockets(c.pid);
const insideMs = (cpu() - t) / Math.max(1, running.length);
const extra = Math.max(0, median(b) - median(a));
const n = running.length;
const published = running.reduce((s, c) => s + c.published.length, 0);
console.log(
  `containers\t${n} running, ${published} published\tscan ${fmt(median(a))} ms → with containers ${fmt(median(b))} ms CPU (+${fmt(extra)} ms: catalog refresh ${fmt(median(refreshes))} ms; ${joins - joinsBefore} joins computed in ${rounds} snapshots; uncached join ${fmt(joinMs)} ms)\tnamespace read ${fmt(insideMs)} ms per container, each every 5 min: ${fmt((insideMs * n) / 300)} ms/s`,
);
console.log(
  `  ${n >= 50 ? (extra <= 2 ? 'met ' : 'MISS') : 'n/a '}  50 running containers add ≤ 2 ms CPU to a steady-state snapshot`,
);
catalog.dispose();
await harness?.harness.stop();
process.exit(0);
