import { monotonicMs } from '../watch/clock.js';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TlsInfo } from '../model/health.js';
import { sanitizeText } from './text.js';

/** How a TLS handshake over an open connection ended. */
export type HandshakeOutcome =
  | { readonly ok: true; readonly socket: TLSSocket; readonly info: TlsInfo }
  | { readonly ok: false; readonly reason: 'timeout' | 'failed'; readonly message: string };

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

/**
 * Runs a TLS client handshake over an already connected TCP socket, for classification only:
 * the certificate is not required to be trusted (`rejectUnauthorized: false`, as
 * docs/SECURITY.md#probe-policy allows) because nothing sensitive is sent, and its problems are
 * reported as information instead of making a working HTTPS server look down. No SNI is sent: the
 * peer is an IP literal, and RFC 6066 §3 forbids IP addresses in SNI.
 */
export function tlsHandshake(socket: Socket, host: string, deadlineAt: number): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    // node:tls (and crypto with it) loads on the first TLS probe, not with every CLI command.
    const tls = process.getBuiltinModule('node:tls').connect({
      socket,
      host,
      rejectUnauthorized: false,
      // Loopback probes reach a certificate for "localhost" via 127.0.0.1; the name is not the point.
      checkServerIdentity: () => undefined,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(
      () => {
        tls.destroy();
        resolve({ ok: false, reason: 'timeout', message: 'TLS handshake did not finish in time' });
      },
      Math.max(0, deadlineAt - monotonicMs()),
    );
    tls.once('secureConnect', () => {
      clearTimeout(timer);
      tls.removeAllListeners('error');
      tls.on('error', () => undefined);
      resolve({ ok: true, socket: tls, info: describeCertificate(tls) });
    });
    tls.once('error', (e: Error) => {
      clearTimeout(timer);
      tls.destroy();
      resolve({ ok: false, reason: 'failed', message: sanitizeText(e.message) });
    });
  });
}

/** What the peer's certificate says, and why it is not trusted when it is not. */
function describeCertificate(tls: TLSSocket): TlsInfo {
  const cert = tls.getPeerCertificate();
  const cn = cert.subject?.CN;
  const subject =
    typeof cn === 'string' ? sanitizeText(cn) : Array.isArray(cn) ? sanitizeText(cn.join(', ')) : '';
  const validTo = typeof cert.valid_to === 'string' ? cert.valid_to : '';
  const expiry = validTo ? Date.parse(validTo) : Number.NaN;
  const expired = Number.isFinite(expiry) && expiry < Date.now();
  const base = {
    ...(subject ? { subject } : {}),
    ...(validTo
      ? { validTo: Number.isFinite(expiry) ? new Date(expiry).toISOString() : sanitizeText(validTo) }
      : {}),
  };
  const error = tls.authorizationError ? String(tls.authorizationError) : null;
  if (tls.authorized && !expired) return { selfSigned: false, ...base };
  const notes: string[] = [];
  if (error !== null && SELF_SIGNED.has(error)) notes.push('self-signed certificate');
  else if (error === 'CERT_HAS_EXPIRED') notes.push('certificate has expired');
  else if (error !== null) notes.push(`certificate not trusted by this system (${sanitizeText(error, 60)})`);
  if (expired && error !== 'CERT_HAS_EXPIRED') notes.push('certificate has expired');
  return { selfSigned: true, note: notes.join('; '), ...base };
}
