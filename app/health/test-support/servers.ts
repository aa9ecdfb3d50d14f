import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server a test started on a free loopback port; `close()` drops every connection too. */
export interface TestServer {
  readonly port: number;
  readonly host: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Raw bytes received so far, per connection, in order. */
  received(): Buffer[];
  /** Connections accepted and not yet closed: 0 means every peer has finished sending. */
  openConnections(): number;
  close(): Promise<void>;
}

function track(server: Server, host: string): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const data: Buffer[][] = [];
  let count = 0;
  server.on('connection', (socket: Socket) => {
    count += 1;
    const mine: Buffer[] = [];
    data.push(mine);
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => mine.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no port'));
        return;
      }
      resolve({
        port: address.port,
        host,
        connections: () => count,
        received: () => data.map((chunks) => Buffer.concat(chunks)),
        openConnections: () => sockets.size,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A raw TCP server; `onConnection` decides what it says (or does not say). */
export function startTcpServer(
  onConnection: (socket: Socket) => void,
  host = '127.0.0.1',
): Promise<TestServer> {
  return track(createNetServer(onConnection), host);
}

/** A plain HTTP server with the given request handler. */
export function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host = '127.0.0.1',
): Promise<TestServer> {
  return track(createHttpServer(handler), host);
}

/** An HTTPS server with the given key and certificate. */
export function startHttpsServer(
  tls: { key: string; cert: string },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host = '127.0.0.1',
): Promise<TestServer> {
  return track(createHttpsServer(tls, handler), host);
}

/** A port that was free a moment ago on `host` (bound to port 0, read, closed). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs a program (absolute path, argv, no shell) and resolves with its output or rejects. */
export function run(file: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
      (e, out, errOut) => {
        if (e) reject(new Error(`${file} ${args.join(' ')} failed: ${e.message}\n${errOut}`));
        else resolve(out);
      },
    );
  });
}

/** A fresh self-signed key and certificate for `CN=localhost`, made by openssl at test time. */
export async function makeSelfSignedCert(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hm-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('/usr/bin/openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
