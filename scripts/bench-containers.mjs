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
const catalog = createContainerCatalog({ env: process.env });
await catalog.refresh();
const state = catalog.current();
if (!catalog.client || state.access !== 'ok') {
  console.log(`containers: skipped (no Docker daemon answers: ${state.message ?? state.access})`);
  catalog.dispose();
  process.exit(0);
}
const join = createContainerJoiner();
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
for (let i = 0; i < 5; i += 1) {
  await plain.take();
  await catalog.refresh();
  await joined.take();
}
for (let i = 0; i < rounds; i += 1) {
  let t = cpu();
  await plain.take();
  a.push(cpu() - t);
  t = cpu();
  await catalog.refresh();
  await joined.take();
  b.push(cpu() - t);
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
  `containers\t${n} running, ${published} published\tscan ${fmt(median(a))} ms → with containers ${fmt(median(b))} ms CPU (+${fmt(extra)} ms; join alone ${fmt(joinMs)} ms)\tnamespace read ${fmt(insideMs)} ms per container, each every 5 min: ${fmt((insideMs * n) / 300)} ms/s`,
);
console.log(
  `  ${n >= 50 ? (extra <= 2 ? 'met ' : 'MISS') : 'n/a '}  50 running containers add ≤ 2 ms CPU to a steady-state snapshot`,
);
catalog.dispose();
process.exit(0);
