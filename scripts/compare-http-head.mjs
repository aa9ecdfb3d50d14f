#!/usr/bin/env node
// Issue 18, the app/health/http-response.ts row: the hand-written HTTP/1 head parser against the
// node:http client (llhttp) on an already connected socket, on the same servers in one run.
// Prints what each makes of sloppy response shapes (raw bytes from net servers), then CPU and wall
// for 100 sequential probes of 100 real HTTP servers (medians of 5). Needs `npm run build:core`.
// LENIENT=1 runs the node:http side with insecureHTTPParser.
import { fork } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
const { runPlan } = await import(new URL('../dist/app/health/probe.js', import.meta.url).href);

// llhttp via the node:http client on an already connected socket.
function viaHttpClient(host, port, deadlineMs = 2000) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = net.connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: 'timeout' });
    }, deadlineMs);
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const req = http.request({
        createConnection: () => socket,
        agent: false,
        host,
        port,
        path: '/',
        method: 'GET',
        maxHeaderSize: 16384,
        insecureHTTPParser: process.env.LENIENT === '1',
        headers: {
          Host: `${host}:${port}`,
          'User-Agent': 'Harbormaster-probe/0.1',
          Accept: 'text/html,*/*;q=0.8',
          'Accept-Encoding': 'identity',
          Connection: 'close',
        },
      });
      const info = [];
      req.on('information', (i) => info.push(i.statusCode));
      req.on('error', (e) => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ kind: 'error', code: e.code, message: e.message, info });
      });
      req.on('response', (res) => {
        const chunks = [];
        let n = 0;
        res.on('data', (c) => {
          chunks.push(c);
          n += c.length;
          if (n >= 65536) {
            res.destroy();
            socket.destroy();
          }
        });
        const done = (complete) => {
          clearTimeout(timer);
          socket.destroy();
          resolve({
            kind: 'response',
            status: res.statusCode,
            server: res.headers.server,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('latin1').slice(0, 80),
            complete,
            info,
            ms: performance.now() - t0,
          });
        };
        res.on('end', () => done(true));
        res.on('close', () => done(res.complete));
        res.on('error', () => done(false));
      });
      req.end();
    });
  });
}
function viaHandWritten(host, port) {
  return runPlan({
    host,
    port,
    steps: [{ kind: 'connect' }, { kind: 'http', tlsFirst: false, tlsAfterClose: false }],
    reason: '',
  });
}

// --- shapes
const SHAPES = {
  chunked:
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n3\r\n<ti\r\n9;ext=1\r\ntle>Chunk\r\n8\r\ned</titl\r\n2\r\ne>\r\n0\r\n\r\n',
  'obs-fold':
    'HTTP/1.1 200 OK\r\nServer: folded\r\n  continued\r\nContent-Length: 20\r\n\r\n<title>Fold</title>\n',
  '100+103 then 200':
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n<title>1xx</title>',
  'header without colon': 'HTTP/1.1 200 OK\r\nBad Header\r\nContent-Length: 20\r\n\r\n<title>NoColon</title>',
  'space before colon': 'HTTP/1.1 200 OK\r\nServer : sp\r\nContent-Length: 18\r\n\r\n<title>Space</title>',
  'LF-only lines': 'HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 15\n\n<title>LF</title>',
  'no reason phrase': 'HTTP/1.1 200\r\nContent-Length: 18\r\n\r\n<title>NoRsn</title>',
  'bad Content-Length': 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n<title>BadCL</title>',
  'CL and TE both':
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<b>x<\r\n0\r\n\r\n',
  'HTTP/1.0 close-delimited': 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<title>Old</title>',
  'SSH banner after GET': 'SSH-2.0-OpenSSH_9.2\r\n',
  'TLS alert': Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28]),
  '40 KB header':
    'HTTP/1.1 200 OK\r\nX-Big: ' + 'a'.repeat(40000) + '\r\nContent-Length: 18\r\n\r\n<title>Big!</title>',
  'status 999': 'HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n',
  'NUL in header value': 'HTTP/1.1 200 OK\r\nServer: a\0b\r\nContent-Length: 0\r\n\r\n',
};
const servers = [];
for (const [name, bytes] of Object.entries(SHAPES)) {
  const s = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.once('data', () => {
      sock.write(bytes);
      if (
        name.includes('close') ||
        name.includes('SSH') ||
        name.includes('TLS') ||
        name.includes('Bad') ||
        name.includes('bad')
      )
        setTimeout(() => sock.end(), 20);
      else setTimeout(() => sock.end(), 50);
    });
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  servers.push([name, s.address().port, s]);
}
console.log('\n## shapes (hand-written | node:http client)');
for (const [name, port] of servers) {
  const a = await viaHandWritten('127.0.0.1', port);
  const b = await viaHttpClient('127.0.0.1', port);
  const ha =
    a.state === 'up'
      ? `${a.kind}${a.status ? ' ' + a.status : ''}${a.title ? ' "' + a.title + '"' : ''}${a.server ? ' server=' + a.server : ''}${a.detail ? ' (' + a.detail.slice(0, 50) + ')' : ''}`
      : `${a.state}`;
  const hb =
    b.kind === 'response'
      ? `http ${b.status} complete=${b.complete}${b.server ? ' server=' + JSON.stringify(b.server) : ''} body=${JSON.stringify(b.body.slice(0, 30))}${b.info.length ? ' info=' + b.info : ''}`
      : `${b.kind} ${b.code ?? ''}`;
  console.log(`${name.padEnd(26)} | ${ha} | ${hb}`);
}
for (const [, , s] of servers) s.close();

// --- per-probe CPU and wall over 100 real HTTP servers
const fleet = fork(new URL('health-fleet.mjs', import.meta.url), ['100', '0'], { stdio: 'inherit' });
const { ports } = await new Promise((r) => fleet.once('message', r));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function round(fn) {
  const c0 = cpu();
  const t0 = performance.now();
  for (const p of ports.http) await fn('127.0.0.1', p);
  return { wall: performance.now() - t0, cpu: cpu() - c0 };
}
for (let i = 0; i < 2; i++) {
  await round(viaHandWritten);
  await round(viaHttpClient);
}
const A = [],
  B = [];
for (let i = 0; i < 5; i++) {
  A.push(await round(viaHandWritten));
  B.push(await round(viaHttpClient));
}
const med = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[2];
console.log(`\n## 100 sequential probes, medians of 5 (ms per 100 probes)`);
console.log(`hand-written: wall ${med(A, 'wall').toFixed(0)}  cpu ${med(A, 'cpu').toFixed(0)}`);
console.log(`node:http   : wall ${med(B, 'wall').toFixed(0)}  cpu ${med(B, 'cpu').toFixed(0)}`);
fleet.kill();
