import type { Health, ProbeSent } from '../model/health.js';

const WORDS: Record<ProbeSent, string> = {
  'http-get': 'GET / (HTTP)',
  'tls-client-hello': 'TLS ClientHello',
  'redis-ping': 'PING (Redis)',
  'postgres-ssl-request': 'SSLRequest (PostgreSQL)',
};

/**
 * What a probe wrote to the service, in words for `check` (issue 9, item 4: a probe the user asked
 * for says what it sent): "nothing (connect, listen)", "GET / (HTTP)", "TLS ClientHello, then
 * GET / (HTTP)". Empty when no probe ran.
 */
export function describeSent(health: Health): string {
  if (health.state === 'unknown' || health.state === 'checking') return '';
  if (health.state === 'refused') return 'nothing (refused)';
  const sent = health.sent;
  if (sent === undefined) return '';
  if (sent.length === 0) return 'nothing (connect, listen)';
  return sent.map((s) => WORDS[s]).join(', then ');
}
