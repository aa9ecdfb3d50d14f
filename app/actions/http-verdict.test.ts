import { describe, expect, it } from 'vitest';
import type { Health } from '../model/health.js';
import { httpVerdict } from './http-verdict.js';

const up = (fields: Partial<Extract<Health, { state: 'up' }>>): Health => ({
  state: 'up',
  kind: 'tcp',
  checkedAt: 0,
  latencyMs: 1,
  ...fields,
});

describe('httpVerdict: does the last probe say this speaks HTTP?', () => {
  it('opens only HTTP and HTTPS answers', () => {
    expect(httpVerdict(up({ kind: 'http', status: 200, sent: ['http-get'] })).kind).toBe('http');
    expect(httpVerdict(up({ kind: 'https', status: 404 })).kind).toBe('http');
  });

  it('refuses a non-HTTP banner, saying what it was', () => {
    const v = httpVerdict(up({ kind: 'banner', banner: 'SSH-2.0-OpenSSH_9.2', protocol: 'SSH', sent: [] }));
    expect(v).toEqual({ kind: 'not-http', answer: expect.stringContaining('SSH-2.0-OpenSSH_9.2') });
  });

  it('refuses a close without HTTP, before or after GET /', () => {
    expect(
      httpVerdict(up({ detail: 'Accepted the connection and closed it without a word', sent: [] })).kind,
    ).toBe('not-http');
    expect(httpVerdict(up({ sent: ['http-get'] }))).toEqual({
      kind: 'not-http',
      answer: 'accepted the connection and closed it without answering GET /',
    });
    expect(httpVerdict(up({ sent: ['http-get'], banner: 'UNKNOWN_COMMAND' })).kind).toBe('not-http');
  });

  it('refuses a timeout after GET /, but asks again when HTTP was never sent', () => {
    expect(httpVerdict({ state: 'timeout', checkedAt: 0, latencyMs: 2000, sent: ['http-get'] }).kind).toBe(
      'not-http',
    );
    expect(httpVerdict(up({ sent: [] })).kind).toBe('unasked');
    expect(httpVerdict({ state: 'unknown' }).kind).toBe('unasked');
    expect(httpVerdict({ state: 'refused', checkedAt: 0, latencyMs: 1 }).kind).toBe('unasked');
  });

  it('refuses Redis and PostgreSQL', () => {
    expect(httpVerdict(up({ kind: 'redis', sent: ['redis-ping'] })).kind).toBe('not-http');
    expect(httpVerdict(up({ kind: 'postgres', sent: ['postgres-ssl-request'] })).kind).toBe('not-http');
  });
});
