import type { Health } from '../model/health.js';

/**
 * Whether a listener's last probe says it speaks HTTP, for `open` (issue 9, item 5):
 * - `http`: it answered HTTP or HTTPS, so a browser will show something;
 * - `unasked`: no probe has asked it over HTTP yet (never probed, silent to a connect + banner
 *   probe, refused or failed last time): `open` probes it on request first;
 * - `not-http`: it answered something else, or hung up, or said nothing to an HTTP request;
 *   `answer` says what, in words that finish "It …".
 */
export type HttpVerdict =
  | { readonly kind: 'http' }
  | { readonly kind: 'unasked'; readonly answer: string }
  | { readonly kind: 'not-http'; readonly answer: string };

function quoted(text: string): string {
  return `“${text}”`;
}

/**
 * Reads a probe result as an answer to "does this speak HTTP?". Pure. Banners and details were
 * cleaned by the probe; nothing else from the service is quoted.
 */
export function httpVerdict(health: Health): HttpVerdict {
  switch (health.state) {
    case 'unknown':
      return {
        kind: 'unasked',
        answer: health.reason ? `was not probed (${health.reason})` : 'has not been probed',
      };
    case 'checking':
      return { kind: 'unasked', answer: 'is being probed' };
    case 'refused':
      return { kind: 'unasked', answer: 'refused the connection' };
    case 'error':
      return { kind: 'unasked', answer: `could not be probed (${health.message})` };
    case 'timeout':
      if (health.sent?.includes('http-get') === true) {
        return { kind: 'not-http', answer: 'accepted the connection but sent no HTTP response in time' };
      }
      return { kind: 'unasked', answer: 'did not accept the connection in time' };
    case 'up':
      break;
  }
  switch (health.kind) {
    case 'http':
    case 'https':
      return { kind: 'http' };
    case 'redis':
      return { kind: 'not-http', answer: 'answered PING like Redis, which does not serve web pages' };
    case 'postgres':
      return { kind: 'not-http', answer: 'answered like PostgreSQL, which does not serve web pages' };
    case 'banner': {
      const what = health.protocol ? ` (${health.protocol})` : '';
      return {
        kind: 'not-http',
        answer: `greeted with ${quoted(health.banner ?? '')}${what} before being asked anything: that is not HTTP`,
      };
    }
    case 'tcp':
      break;
  }
  const askedHttp = health.sent?.includes('http-get') === true;
  if (askedHttp) {
    if (health.banner !== undefined) {
      return { kind: 'not-http', answer: `answered GET / with ${quoted(health.banner)}, not HTTP` };
    }
    return { kind: 'not-http', answer: 'accepted the connection and closed it without answering GET /' };
  }
  if (health.banner !== undefined) {
    return { kind: 'not-http', answer: `answered with ${quoted(health.banner)}, not HTTP` };
  }
  if (health.detail?.includes('closed it without a word') === true) {
    return { kind: 'not-http', answer: 'accepted the connection and closed it without a word' };
  }
  if (health.sent !== undefined && health.sent.length === 0) {
    return { kind: 'unasked', answer: 'accepted the connection and said nothing; it was not sent HTTP' };
  }
  return { kind: 'unasked', answer: 'accepted the connection; it was not asked over HTTP' };
}
