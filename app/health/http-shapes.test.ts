import { afterAll, describe, expect, it } from 'vitest';
import { probeListener } from './probe.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';
import { startTcpServer, type TestServer } from './test-support/servers.js';

// What a user sees for the response shapes real (and sloppy) servers send, from raw bytes on a
// real socket. These are the shapes that decided issue 18's http-response row: llhttp (node:http)
// rejects most of the sloppy ones as parse errors, even with insecureHTTPParser, where a health
// probe should say "up, HTTP 200" — a dev server with a bad header is still up.

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A server that answers any request with `bytes`, then closes. */
async function answering(bytes: string | Buffer): Promise<number> {
  const s = await startTcpServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write(bytes);
      socket.end();
    });
  });
  servers.push(s);
  return s.port;
}

const node = ownerNamed('node', 'node server.js');
const probe = async (bytes: string | Buffer) =>
  probeListener(listenerAt('127.0.0.1', await answering(bytes), node), { onRequest: false });

const html = (title: string): string => `<title>${title}</title>`;
const withLength = (head: string, body: string): string =>
  `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('HTTP response shapes (raw bytes from a real socket)', () => {
  it.each([
    [
      'a chunked body, with a chunk extension',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n<ti\r\n8;x=1\r\ntle>Chun\r\n' +
        '2\r\nk<\r\n7\r\n/title>\r\n0\r\n\r\n',
      { status: 200, title: 'Chunk' },
    ],
    [
      'an obs-folded header',
      withLength('HTTP/1.1 200 OK\r\nServer: folded\r\n  continued\r\n', html('Fold')),
      { status: 200, title: 'Fold', server: 'folded' },
    ],
    [
      '100 Continue and 103 Early Hints before the 200',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n' +
        withLength('HTTP/1.1 200 OK\r\n', html('Final')),
      { status: 200, title: 'Final' },
    ],
    [
      'a header line without a colon',
      withLength('HTTP/1.1 200 OK\r\nBad Header\r\n', html('NoColon')),
      { status: 200, title: 'NoColon' },
    ],
    [
      'a space before a colon',
      withLength('HTTP/1.1 200 OK\r\nServer : sp\r\n', html('Space')),
      { status: 200, title: 'Space', server: 'sp' },
    ],
    ['a status line without a reason phrase', withLength('HTTP/1.1 204\r\n', ''), { status: 204 }],
    [
      'an unparsable Content-Length (read to close)',
      `HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n${html('BadCL')}`,
      { status: 200, title: 'BadCL' },
    ],
    [
      'HTTP/1.0 with a close-delimited body',
      `HTTP/1.0 200 OK\r\n\r\n${html('Old')}`,
      { status: 200, title: 'Old' },
    ],
    [
      'a 40 KB header',
      withLength(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(40_000)}\r\n`, html('Big')),
      { status: 200, title: 'Big' },
    ],
    [
      'a NUL in a header value (cleaned)',
      withLength('HTTP/1.1 200 OK\r\nServer: a\0b\r\n', ''),
      { status: 200, server: 'ab' },
    ],
  ])('%s: up, HTTP', async (_name, bytes, expected) => {
    expect(await probe(bytes)).toMatchObject({ state: 'up', kind: 'http', ...expected });
  });

  it('LF-only line endings: up, HTTP 200 (the head is read even without CRLF)', async () => {
    expect(await probe('HTTP/1.1 200 OK\nContent-Type: text/html\n\n<title>LF</title>')).toMatchObject({
      state: 'up',
      kind: 'http',
      status: 200,
    });
  });

  it('a server-first banner in answer to GET: up, not HTTP, with the banner line', async () => {
    expect(await probe('SSH-2.0-OpenSSH_9.2\r\n')).toMatchObject({
      state: 'up',
      kind: 'tcp',
      banner: 'SSH-2.0-OpenSSH_9.2',
      detail: 'Answered, but not with HTTP',
    });
  });
});
