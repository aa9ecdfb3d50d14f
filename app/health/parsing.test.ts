import { describe, expect, it } from 'vitest';
import { recogniseBanner } from './banner.js';
import { dechunk, looksLikeTls, parseHttpHead, readHttpBody } from './http-response.js';
import { hostPort, probeHost } from './probe-address.js';
import { summarizeHealth } from './summary.js';
import { decodeEntities, extractTitle, sanitizeText } from './text.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('sanitizeText', () => {
  it('strips control, bidi and zero-width characters and collapses whitespace', () => {
    expect(sanitizeText('a\x00b\x1b[31mc\u202Ed\u200Be\n\t  f\r\n')).toBe('abcde f');
  });
  it('caps long text with an ellipsis without splitting a surrogate pair', () => {
    const capped = sanitizeText('x'.repeat(198) + '😀😀😀');
    expect(capped.length).toBeLessThanOrEqual(200);
    expect(capped.endsWith('…')).toBe(true);
    expect(capped).not.toMatch(/[\uD800-\uDBFF]…$/);
  });
});

describe('titles', () => {
  it('decodes named and numeric entities, and keeps unknown names as written', () => {
    expect(decodeEntities('&lt;a&gt; &amp;&#65;&#x42; &copy; &bogus; &#0; &#xD800;')).toBe(
      '<a> &AB © &bogus; \uFFFD \uFFFD',
    );
  });
  it('takes the first title as text only', () => {
    expect(
      extractTitle('<TITLE lang="en">A <script>x</script> &quot;B&quot;</TITLE><title>second</title>'),
    ).toBe('A x "B"');
  });
  it('returns undefined for no title or an empty one, and takes a title cut off by the cap', () => {
    expect(extractTitle('<html><body>no title</body>')).toBeUndefined();
    expect(extractTitle('<title>   </title>')).toBeUndefined();
    expect(extractTitle('<title>Cut off mid')).toBe('Cut off mid');
  });
  it('does not let entities smuggle control characters back in', () => {
    expect(extractTitle('<title>a&#27;[2Jb&#x202E;c</title>')).toBe('abc');
  });
});

describe('HTTP response parsing', () => {
  it('parses a head, skipping 100 Continue', () => {
    const raw = bytes(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nServer: x\r\nserver: y\r\n\r\nbody',
    );
    const head = parseHttpHead(raw);
    expect(head?.status).toBe(404);
    expect(head?.headers.get('server')).toBe('x');
    expect(raw.subarray(head?.bodyStart).toString()).toBe('body');
  });
  it('returns null for something that is not HTTP, and a partial head when cut short', () => {
    expect(parseHttpHead(bytes('SSH-2.0-x\r\n'))).toBeNull();
    expect(parseHttpHead(bytes('HTTP/1.1 200 OK\r\nX-Long: aaa'))).toMatchObject({
      status: 200,
      bodyStart: -1,
    });
  });
  it('knows when a body is complete by Content-Length, by chunks, or by close', () => {
    const cl = bytes('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef');
    expect(readHttpBody(cl, parseHttpHead(cl)!, false)).toEqual({ body: bytes('abc'), complete: true });
    const chunked = bytes(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n<ti\r\n4;x=y\r\ntle>\r\n0\r\n\r\n',
    );
    expect(readHttpBody(chunked, parseHttpHead(chunked)!, false)).toEqual({
      body: bytes('<title>'),
      complete: true,
    });
    const open = bytes('HTTP/1.0 200 OK\r\n\r\npartial');
    expect(readHttpBody(open, parseHttpHead(open)!, false).complete).toBe(false);
    expect(readHttpBody(open, parseHttpHead(open)!, true).complete).toBe(true);
  });
  it('dechunks what has arrived so far', () => {
    expect(dechunk(bytes('5\r\nhello\r\n3\r\nwo'))).toEqual({ body: bytes('hellowo'), complete: false });
  });
  it('spots TLS records (handshake and alert)', () => {
    expect(looksLikeTls(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02]))).toBe(true);
    expect(looksLikeTls(Buffer.from([0x16, 0x03, 0x03]))).toBe(true);
    expect(looksLikeTls(bytes('HTTP/1.1'))).toBe(false);
  });
});

describe('recogniseBanner', () => {
  it.each([
    ['SSH-2.0-OpenSSH_9.2\r\n', 22, 'SSH', 'SSH-2.0-OpenSSH_9.2'],
    ['220 mail.example ESMTP Postfix\r\n', 2525, 'SMTP', '220 mail.example ESMTP Postfix'],
    ['220 (vsFTPd 3.0.3)\r\n', 2121, 'FTP', '220 (vsFTPd 3.0.3)'],
    ['220 Welcome\r\n', 21, 'FTP', '220 Welcome'],
    ['220 Welcome\r\n', 25, 'SMTP', '220 Welcome'],
    ['+OK Dovecot ready.\r\n', 110, 'POP3', '+OK Dovecot ready.'],
    ['* OK [CAPABILITY IMAP4rev1] ready\r\n', 143, 'IMAP', '* OK [CAPABILITY IMAP4rev1] ready'],
    ['RFB 003.008\n', 5900, 'VNC', 'RFB 003.008'],
  ])('%j on port %i is %s', (text, port, protocol, banner) => {
    expect(recogniseBanner(bytes(text), port)).toEqual({ protocol, banner });
  });

  it('reads a MariaDB greeting and a MySQL "host blocked" error packet', () => {
    const greeting = Buffer.concat([
      Buffer.from([0x1a, 0, 0, 0, 0x0a]),
      bytes('5.5.5-10.11.6-MariaDB\0'),
      Buffer.alloc(4),
    ]);
    expect(recogniseBanner(greeting, 3306)).toEqual({
      protocol: 'MariaDB',
      banner: 'MariaDB 10.11.6-MariaDB',
    });
    const message = bytes("Host '10.0.0.9' is blocked because of many connection errors");
    const error = Buffer.concat([Buffer.from([message.length + 3, 0, 0, 0, 0xff, 0x69, 0x04]), message]);
    expect(recogniseBanner(error, 3306)).toMatchObject({
      protocol: 'MySQL',
      banner: 'MySQL error 1129',
      detail: expect.stringContaining('is blocked'),
    });
  });

  it('reports an unknown banner without a protocol, binary as a byte count', () => {
    expect(recogniseBanner(bytes('hello there\n'), 7777)).toEqual({ banner: 'hello there' });
    expect(recogniseBanner(Buffer.from([0x00, 0x01, 0x02]), 7777)).toEqual({
      banner: '3 bytes of binary data',
    });
  });
});

describe('probe addresses', () => {
  it('maps wildcards to loopback of the same family and keeps exact addresses', () => {
    expect(probeHost('0.0.0.0', 4)).toBe('127.0.0.1');
    expect(probeHost('::', 6)).toBe('::1');
    expect(probeHost('[::1]', 6)).toBe('::1');
    expect(probeHost('10.1.2.3', 4)).toBe('10.1.2.3');
  });
  it('rejects names and addresses of the other family', () => {
    expect(probeHost('localhost', 4)).toBeNull();
    expect(probeHost('localhost', 6)).toBeNull();
    expect(probeHost('::1', 4)).toBeNull();
    expect(probeHost('127.0.0.1', 6)).toBeNull();
  });
  it('brackets IPv6 in host:port', () => {
    expect(hostPort('::1', 8080)).toBe('[::1]:8080');
    expect(hostPort('127.0.0.1', 80)).toBe('127.0.0.1:80');
  });
});

describe('summarizeHealth', () => {
  it('says in one line what a user needs', () => {
    expect(
      summarizeHealth({
        state: 'up',
        kind: 'https',
        status: 200,
        title: 'Dev',
        checkedAt: 1,
        latencyMs: 12,
        detail: 'TLS: self-signed certificate',
      }),
    ).toBe('HTTPS 200 · “Dev” · TLS: self-signed certificate · 12 ms');
    expect(
      summarizeHealth({
        state: 'up',
        kind: 'banner',
        protocol: 'SSH',
        banner: 'SSH-2.0-x',
        checkedAt: 1,
        latencyMs: 1,
      }),
    ).toBe('SSH · SSH-2.0-x · 1 ms');
    expect(summarizeHealth({ state: 'refused', checkedAt: 1, latencyMs: 0 })).toBe('refused the connection');
    expect(summarizeHealth({ state: 'unknown', reason: 'UDP is not probed' })).toBe(
      'not checked: UDP is not probed',
    );
  });
});
