import { monotonicMs } from '../watch/clock.js';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { bodyText, looksLikeTls, parseHttpHead, readHttpBody } from '../health/http-response.js';
import { PROBE_USER_AGENT } from '../health/probe.js';
import { hostPort } from '../health/probe-address.js';
import { connectTcp, SocketReader } from '../health/socket-reader.js';
import { extractTitle, sanitizeText } from '../health/text.js';
import { tlsHandshake } from '../health/tls-handshake.js';
import type { Attempt } from '../model/diagnosis.js';

export type { Attempt, AttemptResult } from '../model/diagnosis.js';

type Exchange =
  | { kind: 'response'; status: number; title: string | undefined }
  | { kind: 'not-http'; tls: boolean; line: string }
  | { kind: 'closed' }
  | { kind: 'timeout' };

async function exchange(
  stream: Duplex,
  reader: SocketReader,
  request: string,
  deadlineAt: number,
): Promise<Exchange> {
  stream.write(request);
  const enough = (b: Buffer): boolean => {
    const head = parseHttpHead(b);
    if (head !== null) return head.bodyStart >= 0 && readHttpBody(b, head, false).complete;
    return b.length >= 5 && b.subarray(0, 5).toString('latin1') !== 'HTTP/';
  };
  const outcome = await reader.wait(enough, deadlineAt);
  const bytes = reader.bytes();
  if (bytes.length === 0) return outcome === 'time' ? { kind: 'timeout' } : { kind: 'closed' };
  const head = parseHttpHead(bytes);
  if (head === null) {
    const line = sanitizeText(bytes.toString('utf8').split(/\r?\n/, 1)[0] ?? '', 80);
    return { kind: 'not-http', tls: looksLikeTls(bytes), line };
  }
  const body = readHttpBody(bytes, head, reader.closed);
  return {
    kind: 'response',
    status: head.status,
    title: extractTitle(bodyText(body.body, head.headers.get('content-type'))),
  };
}

const PLAIN_TO_TLS = /plain HTTP request was sent to HTTPS port|HTTP request to an HTTPS server/i;

/**
 * Asks `scheme://address:port/path` once, within the deadline, and tells whether the other scheme
 * is what the server really speaks (a TLS server asked with http://, or the reverse). Every socket
 * is closed before it returns.
 */
export async function askHttp(
  address: string,
  family: 4 | 6,
  port: number,
  scheme: 'http' | 'https',
  path: string,
  hostHeader: string,
  deadlineAt: number,
): Promise<Attempt> {
  const started = monotonicMs();
  const streams: Duplex[] = [];
  const done = (fields: Omit<Attempt, 'address' | 'family' | 'ms'>): Attempt => ({
    address,
    family,
    ms: Math.round(monotonicMs() - started),
    ...fields,
  });
  const request =
    `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: ${PROBE_USER_AGENT}\r\n` +
    'Accept: text/html,*/*;q=0.8\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n';
  const open = async (): Promise<Socket | Attempt> => {
    const c = await connectTcp(address, port, deadlineAt);
    if (c.kind === 'connected') {
      streams.push(c.socket);
      return c.socket;
    }
    if (c.kind === 'refused') return done({ result: 'refused' });
    if (c.kind === 'timeout') return done({ result: 'timed-out' });
    return done({ result: 'error', detail: c.code });
  };
  const plain = async (socket: Socket): Promise<Exchange> =>
    exchange(socket, new SocketReader(socket), request, deadlineAt);
  const secure = async (socket: Socket): Promise<Exchange | null> => {
    const hs = await tlsHandshake(socket, address, deadlineAt);
    if (!hs.ok) return hs.reason === 'timeout' ? { kind: 'timeout' } : null;
    streams.push(hs.socket);
    return exchange(hs.socket, new SocketReader(hs.socket), request, deadlineAt);
  };
  const describe = (x: Exchange, speaks?: Attempt['speaks']): Attempt => {
    const extra = speaks ? { speaks } : {};
    if (x.kind === 'response')
      return done({ result: 'answered', status: x.status, ...(x.title ? { title: x.title } : {}), ...extra });
    if (x.kind === 'timeout') return done({ result: 'accepted-silent', ...extra });
    if (x.kind === 'closed')
      return done({ result: 'accepted-silent', detail: 'closed without answering', ...extra });
    return done({ result: 'answered', speaks: speaks ?? 'other', detail: x.line });
  };
  try {
    const first = await open();
    if (!(first instanceof Socket)) return first;
    if (scheme === 'http') {
      const x = await plain(first);
      const tlsHint =
        x.kind === 'closed' ||
        (x.kind === 'not-http' && x.tls) ||
        (x.kind === 'response' && x.status === 400 && x.title !== undefined && PLAIN_TO_TLS.test(x.title));
      if (tlsHint && monotonicMs() < deadlineAt) {
        const again = await open();
        if (again instanceof Socket) {
          const s = await secure(again);
          if (s !== null && s.kind === 'response') return describe(s, 'https');
        }
      }
      return describe(x);
    }
    const s = await secure(first);
    if (s !== null) return describe(s);
    // The handshake failed: does it speak plain HTTP?
    const again = await open();
    if (!(again instanceof Socket)) return again;
    const x = await plain(again);
    if (x.kind === 'response') return describe(x, 'http');
    return done({ result: 'answered', speaks: 'other', detail: 'TLS handshake failed' });
  } finally {
    for (const s of streams) s.destroy();
  }
}

/** `Host:` header text for an address (brackets for IPv6). */
export function hostHeaderFor(host: string, port: number): string {
  return hostPort(host, port);
}
