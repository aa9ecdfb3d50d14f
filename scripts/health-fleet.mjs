// A fleet of real listeners in one child process, for the health throughput test and
// `npm run bench:health`: `node scripts/health-fleet.mjs HTTP SILENT` opens HTTP healthy HTTP
// servers and SILENT servers that accept and never say a word, all on 127.0.0.1, port 0.
// Run with an IPC channel (fork): it sends { ports: { http: [...], silent: [...] } } once
// listening, and answers 'stats' with what the servers saw.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';

const [httpCount = 0, silentCount = 0] = process.argv.slice(2).map((a) => Number.parseInt(a, 10));

const stats = {
  /** Connections accepted, over all servers. */
  connections: 0,
  /** Connections open now, and the most at once. */
  open: 0,
  maxOpen: 0,
  /** HTTP connections between accept and the end of their response, and the most at once. */
  answering: 0,
  maxAnswering: 0,
  /** The most connections any one port had open at once (one probe per host:port). */
  maxOpenPerPort: 0,
  /** Bytes silent servers received (a silent peer of a web-looking owner gets one GET). */
  silentBytes: 0,
};
const openPerPort = new Map();

function track(socket, port) {
  stats.connections += 1;
  stats.open += 1;
  stats.maxOpen = Math.max(stats.maxOpen, stats.open);
  const perPort = (openPerPort.get(port) ?? 0) + 1;
  openPerPort.set(port, perPort);
  stats.maxOpenPerPort = Math.max(stats.maxOpenPerPort, perPort);
  socket.on('error', () => undefined);
  socket.once('close', () => {
    stats.open -= 1;
    openPerPort.set(port, (openPerPort.get(port) ?? 1) - 1);
  });
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

const http = [];
for (let i = 0; i < httpCount; i += 1) {
  const server = createHttpServer((req, res) => {
    res.on('finish', () => {
      stats.answering -= 1;
    });
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>Fleet ${i}</title><p>ok</p>`);
  });
  server.on('connection', (socket) => {
    track(socket, server.address().port);
    stats.answering += 1;
    stats.maxAnswering = Math.max(stats.maxAnswering, stats.answering);
    // A connection closed before any request (a probe that gave up) is no longer being answered.
    let requested = false;
    socket.once('data', () => {
      requested = true;
    });
    socket.once('close', () => {
      if (!requested) stats.answering -= 1;
    });
  });
  http.push(await listen(server));
}

const silent = [];
for (let i = 0; i < silentCount; i += 1) {
  const server = createNetServer((socket) => {
    track(socket, server.address().port);
    socket.on('data', (chunk) => {
      stats.silentBytes += chunk.length;
    });
  });
  silent.push(await listen(server));
}

process.on('message', (message) => {
  if (message === 'stats') process.send?.({ stats });
  if (message === 'reset') {
    // Maxima start again from what is open now; counters from zero.
    Object.assign(stats, {
      connections: 0,
      silentBytes: 0,
      maxOpen: stats.open,
      maxAnswering: stats.answering,
      maxOpenPerPort: Math.max(0, ...openPerPort.values()),
    });
    process.send?.({ stats });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ports: { http, silent } });
