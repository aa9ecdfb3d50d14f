#!/usr/bin/env node
// The cost of one snapshot push in browser mode (issue 14 item 4), without the rest of the soak:
// `harbormaster serve` (startServe from dist) over the fake core, --listeners=N listeners of
// which --churn=K are replaced before every push, one WebSocket client in a child process (so its
// parsing is not charged here). Prints bytes per push as received, the synchronous cost of a push
// (serialise + hand to the socket) and this process's whole CPU per push (with the GC it causes).
// Usage: node --expose-gc scripts/bench-push.mjs [--listeners=1000] [--churn=100] [--pushes=300]
// [--gap=20] [--dist=DIR]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { numberArg, usePrivateDataDir } from './bench-support.mjs';

usePrivateDataDir();
const LISTENERS = numberArg('listeners', 1000);
const CHURN = numberArg('churn', 100);
const PUSHES = numberArg('pushes', 300);
const GAP_MS = numberArg('gap', 20);

// --dist=DIR measures another build (e.g. one made from an older commit) with this workload.
const distArg = process.argv.find((a) => a.startsWith('--dist='))?.slice('--dist='.length);
const dist = distArg ? pathToFileURL(`${distArg.replace(/\/$/, '')}/`) : new URL('../dist/', import.meta.url);
const { startServe } = await import(new URL('app/serve/server.js', dist).href);
const { createFakeService } = await import(new URL('app/testing/fake-api.js', dist).href);
const { listener, processOwner, snapshot } = await import(new URL('app/testing/fixtures.js', dist).href);

let nextPort = 1024;
// One literal with every field in the snapshotter's order (app/watch/snapshotter.ts), as the core
// builds them: objects of one shape, like the ones serve really serialises.
const make = () => {
  const port = nextPort++;
  const pid = 10_000 + port;
  const owner = processOwner({
    pid,
    startToken: String(pid * 7),
    command: `node /srv/app-${port}/server.js --port ${port}`,
  });
  return listener({
    port,
    socketId: String(port * 13),
    service: null,
    owner,
    health: {
      state: 'up',
      kind: 'http',
      checkedAt: Date.now(),
      latencyMs: 3,
      status: 200,
      title: `App ${port}`,
    },
  });
};
let listeners = Array.from({ length: LISTENERS }, make);
const service = createFakeService({ snapshot: snapshot(listeners, { seq: 1 }) });
const staticDir = fileURLToPath(new URL('renderer', dist));
const started = await startServe({ service, staticDir, port: 0 });
if (!started.ok) throw new Error(started.error.message);
const server = started.value;

// The client counts the bytes and frames of the pushes (and how many were full snapshots).
const CLIENT = `
const { WebSocket } = require(process.argv[1]);
const [url, token, origin] = process.argv.slice(2);
const ws = new WebSocket(url, ['harbormaster.v1', 'harbormaster.token.' + token], { origin });
let bytes = 0, frames = 0, full = 0;
ws.on('message', (d) => {
  const t = String(d);
  if (!t.startsWith('{"type":"event"')) return;
  frames += 1; bytes += Buffer.byteLength(t);
  if (t.startsWith('{"type":"event","event":"snapshot",')) full += 1;
});
ws.on('open', () => process.send('open'));
process.on('message', () => process.send({ bytes, frames, full }, () => process.exit(0)));
`;
const wsPath = fileURLToPath(new URL('../node_modules/ws/index.js', import.meta.url));
const child = spawn(
  process.execPath,
  ['-e', CLIENT, wsPath, `ws://127.0.0.1:${server.port}/ws`, server.token, `http://127.0.0.1:${server.port}`],
  { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
);
await new Promise((r) => child.once('message', r));
await new Promise((r) => setTimeout(r, 100));

// Replace CHURN listeners (in order, like the soak's children do), keep the list sorted by port.
const churn = () => {
  const gone = new Set();
  while (gone.size < CHURN) gone.add(Math.floor(Math.random() * listeners.length));
  const kept = listeners.filter((_, i) => !gone.has(i));
  for (let i = 0; i < CHURN; i += 1) kept.splice(Math.floor(Math.random() * kept.length), 0, make());
  listeners = kept;
};

// Every push's listener list is made before measuring: the CPU counted below is the push alone.
const lists = [];
for (let i = 0; i < PUSHES; i += 1) {
  churn();
  lists.push(listeners);
}
service.publish(lists[0]); // the first push after connect is a full one either way
await new Promise((r) => setTimeout(r, 200));
global.gc?.();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let syncMs = 0;
for (let i = 1; i < PUSHES; i += 1) {
  const s = performance.now();
  service.publish(lists[i]);
  syncMs += performance.now() - s;
  await new Promise((r) => setTimeout(r, GAP_MS));
}
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - t0;
await new Promise((r) => setTimeout(r, 300));
const got = await new Promise((r) => {
  child.once('message', r);
  child.send('count');
});
await server.close();
const perPushCpu = (cpu.user + cpu.system) / 1000 / (PUSHES - 1);
console.log(
  `bench:push  ${LISTENERS} listeners, ${CHURN} replaced per push, ${PUSHES} pushes (the first full), ${GAP_MS} ms apart, Node ${process.version}, load avg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `received ${got.frames} pushes (${got.full} full), ${(got.bytes / got.frames / 1024).toFixed(1)} KB per push on average`,
);
console.log(`push, synchronous (serialise + ws.send): ${(syncMs / (PUSHES - 1)).toFixed(3)} ms`);
console.log(
  `process CPU per push (all of it, GC included; the loop itself idles): ${perPushCpu.toFixed(3)} ms  (wall ${(wall / 1000).toFixed(1)} s)`,
);
process.exit(0);
