import { describe, expect, it } from 'vitest';
import { listener, snapshot } from '../../app/testing/fixtures.js';
import { checkUrlToOpen } from './open-url.js';

describe('checkUrlToOpen', () => {
  const s = snapshot([listener({ port: 3000, url: 'http://127.0.0.1:3000/' })]);

  it('lets through the URL of a listener in the current scan', () => {
    expect(checkUrlToOpen('http://127.0.0.1:3000/', s)).toEqual({
      ok: true,
      value: 'http://127.0.0.1:3000/',
    });
  });

  it('refuses URLs of no listener, other schemes, hosts and paths', () => {
    for (const url of [
      'http://127.0.0.1:3001/',
      'file:///Applications/Calculator.app',
      'smb://127.0.0.1/share',
      'http://evil.example:3000/',
      'http://127.0.0.1:3000/../../x',
      'http://user@127.0.0.1:3000/',
    ]) {
      const r = checkUrlToOpen(url, s);
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('OPEN_FAILED');
    }
    expect(checkUrlToOpen('http://127.0.0.1:3000/', null).ok).toBe(false);
  });
});
