import { describe, expect, it } from 'vitest';
import type { Health } from '../model/health.js';
import { listener } from '../testing/fixtures.js';
import { buildUrl, curlFor, urlForListener, urlHost, verifyOpenUrl } from './url.js';

const up = (kind: 'http' | 'https' | 'tcp' | 'banner' | 'redis', extra: Partial<Health> = {}): Health =>
  ({ state: 'up', kind, checkedAt: 0, latencyMs: 1, ...extra }) as Health;

describe('buildUrl', () => {
  it('builds http URLs for IPv4 loopback and specific binds', () => {
    expect(buildUrl({ scheme: 'http', family: 4, address: '127.0.0.1', port: 3000 })).toBe(
      'http://127.0.0.1:3000/',
    );
    expect(buildUrl({ scheme: 'http', family: 4, address: '127.0.0.53', port: 8080 })).toBe(
      'http://127.0.0.53:8080/',
    );
    expect(buildUrl({ scheme: 'http', family: 4, address: '192.168.1.20', port: 80 })).toBe(
      'http://192.168.1.20:80/',
    );
  });

  it('uses https only when asked (the probe found TLS)', () => {
    expect(buildUrl({ scheme: 'https', family: 4, address: '127.0.0.1', port: 8443 })).toBe(
      'https://127.0.0.1:8443/',
    );
  });

  it('brackets IPv6 hosts', () => {
    expect(buildUrl({ scheme: 'http', family: 6, address: '::1', port: 8080 })).toBe('http://[::1]:8080/');
    expect(buildUrl({ scheme: 'http', family: 6, address: '2001:db8::5', port: 80 })).toBe(
      'http://[2001:db8::5]:80/',
    );
  });

  it('maps wildcard binds to the loopback of the same family', () => {
    expect(buildUrl({ scheme: 'http', family: 4, address: '0.0.0.0', port: 5173 })).toBe(
      'http://127.0.0.1:5173/',
    );
    expect(buildUrl({ scheme: 'http', family: 6, address: '::', port: 5173 })).toBe('http://[::1]:5173/');
  });

  it('uses the IPv4 form of v4-mapped binds', () => {
    expect(buildUrl({ scheme: 'http', family: 6, address: '::ffff:127.0.0.1', port: 3000 })).toBe(
      'http://127.0.0.1:3000/',
    );
    expect(buildUrl({ scheme: 'http', family: 6, address: '::ffff:0.0.0.0', port: 3000 })).toBe(
      'http://127.0.0.1:3000/',
    );
  });

  it('percent-encodes link-local zone ids (RFC 6874)', () => {
    expect(buildUrl({ scheme: 'http', family: 6, address: 'fe80::1%eth0', port: 80 })).toBe(
      'http://[fe80::1%25eth0]:80/',
    );
    // Windows zone indexes are numbers: zone 25 is `%2525`, the `%` itself encoded once.
    expect(urlHost(6, 'fe80::1%25')).toBe('[fe80::1%2525]');
  });

  it('returns null for anything that is not a literal address, port or web scheme', () => {
    expect(buildUrl({ scheme: 'http', family: 4, address: 'localhost', port: 3000 })).toBeNull();
    expect(buildUrl({ scheme: 'http', family: 4, address: '::1', port: 3000 })).toBeNull();
    expect(buildUrl({ scheme: 'http', family: 6, address: 'evil.example', port: 3000 })).toBeNull();
    expect(buildUrl({ scheme: 'http', family: 6, address: 'fe80::1%eth0/../x', port: 80 })).toBeNull();
    expect(buildUrl({ scheme: 'http', family: 6, address: 'fe80::1%', port: 80 })).toBeNull();
    for (const port of [0, 65536, -1, 1.5, Number.NaN]) {
      expect(buildUrl({ scheme: 'http', family: 4, address: '127.0.0.1', port })).toBeNull();
    }
    expect(buildUrl({ scheme: 'file' as 'http', family: 4, address: '127.0.0.1', port: 80 })).toBeNull();
    expect(
      buildUrl({ scheme: 'javascript' as 'http', family: 4, address: '127.0.0.1', port: 80 }),
    ).toBeNull();
  });
});

describe('urlForListener', () => {
  it('opens unprobed TCP listeners as http', () => {
    expect(urlForListener(listener({ address: '0.0.0.0', port: 3000 }))).toBe('http://127.0.0.1:3000/');
  });

  it('uses https when the probe saw TLS', () => {
    const l = listener({
      port: 8443,
      health: up('https', { status: 200, tls: { selfSigned: true } }),
    });
    expect(urlForListener(l)).toBe('https://127.0.0.1:8443/');
  });

  it('has no URL for UDP', () => {
    expect(urlForListener(listener({ protocol: 'udp', port: 5353 }))).toBeNull();
  });

  it('has no URL for never-HTTP ports unless a probe found HTTP there', () => {
    expect(urlForListener(listener({ port: 6379 }))).toBeNull();
    expect(urlForListener(listener({ port: 5432, health: up('tcp') }))).toBeNull();
    expect(urlForListener(listener({ port: 9229, health: up('http', { status: 200 }) }))).toBe(
      'http://127.0.0.1:9229/',
    );
  });

  it('has no URL when the probe found another protocol', () => {
    expect(urlForListener(listener({ port: 4444, health: up('banner', { banner: 'SSH-2.0' }) }))).toBeNull();
    expect(urlForListener(listener({ port: 7777, health: up('redis') }))).toBeNull();
  });

  it('never takes a host from a title, banner or redirect', () => {
    const l = listener({
      port: 3000,
      health: up('http', {
        status: 302,
        redirect: 'https://evil.example/',
        title: 'http://evil.example',
        server: 'x',
      }),
    });
    expect(urlForListener(l)).toBe('http://127.0.0.1:3000/');
  });
});

describe('curlFor', () => {
  it('gives a plain curl for http and -k for self-signed https', () => {
    expect(curlFor(listener({ port: 3000 }))).toBe('curl -i http://127.0.0.1:3000/');
    expect(curlFor(listener({ port: 8443, health: up('https', { tls: { selfSigned: true } }) }))).toBe(
      'curl -ik https://127.0.0.1:8443/',
    );
    expect(curlFor(listener({ port: 8443, health: up('https', { tls: { selfSigned: false } }) }))).toBe(
      'curl -i https://127.0.0.1:8443/',
    );
  });

  it('quotes bracketed IPv6 URLs and turns off curl globbing', () => {
    expect(curlFor(listener({ address: '::1', port: 8080 }))).toBe("curl -g -i 'http://[::1]:8080/'");
  });

  it('has no curl for non-web listeners', () => {
    expect(curlFor(listener({ protocol: 'udp', port: 53 }))).toBeNull();
  });
});

describe('verifyOpenUrl', () => {
  it('accepts URLs the builder makes', () => {
    for (const url of [
      'http://127.0.0.1:3000/',
      'https://127.0.0.1:443/',
      'http://127.0.0.1:80/',
      'http://[::1]:8080/',
      'http://[fe80::1%25eth0]:80/',
    ]) {
      expect(verifyOpenUrl(url)).toEqual({ ok: true, value: url });
    }
  });

  it('rejects other schemes, hostnames, userinfo tricks and bad ports', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:foo',
      'https://evil.example/',
      'http://localhost:3000/',
      'http://127.0.0.1:8080@evil.com/',
      'http://127.0.0.1%2f@evil.com/',
      'http://127.0.0.1:80\\@evil.com/',
      'http://127.1:3000/',
      'http://2130706433:3000/',
      'http://127.0.0.1:619009/',
      'http://127.0.0.1:0/',
      'http://127.0.0.1:3000/path',
      'http://127.0.0.1:3000/?q=1',
      'http://999.0.0.1:3000/',
      'http://[::1:3000/',
    ]) {
      const r = verifyOpenUrl(url);
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('OPEN_FAILED');
    }
  });
});
