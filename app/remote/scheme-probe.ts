import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** What a forward's far end speaks, learned through the forward itself. */
export type ForwardScheme = 'http' | 'https' | null;

/**
 * Learns the scheme of a forwarded listener by talking to it through the local end (the remote
 * is never reached any other way): a TLS handshake first, since a plain HTTP server answers a
 * ClientHello with an error and a TLS server never answers plain text; then one `GET /` over
 * plain TCP. Certificates are not verified here: the probe only asks "does it speak TLS", and
 * the browser does its own checks when the URL is opened. Null: neither answered in time.
 */
export async function probeScheme(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 3000,
): Promise<ForwardScheme> {
  if (await speaksTls(port, host, timeoutMs)) return 'https';
  if (await speaksHttp(port, host, timeoutMs)) return 'http';
  return null;
}

function speaksTls(port: number, host: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host, port, rejectUnauthorized: false, servername: '' });
    const done = (v: boolean) => (clearTimeout(t), s.destroy(), resolve(v));
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('secureConnect', () => done(true));
    s.once('error', () => done(false));
    s.once('close', () => done(false));
  });
}

function speaksHttp(port: number, host: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let head = '';
    const done = (v: boolean) => (clearTimeout(t), s.destroy(), resolve(v));
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () =>
      s.write(`GET / HTTP/1.0\r\nHost: ${host}:${port}\r\nUser-Agent: harbormaster-probe\r\n\r\n`),
    );
    s.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.length >= 8) done(/^HTTP\/\d/.test(head));
    });
    s.once('error', () => done(false));
    s.once('close', () => done(/^HTTP\/\d/.test(head)));
  });
}
