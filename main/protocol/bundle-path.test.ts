import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsp } from '../security/csp.js';
import { contentTypeFor } from '../../app/serve/content-types.js';
import { handleBundleRequest, resolveBundlePath } from './bundle-path.js';

const root = '/srv/app/dist/renderer';

describe('resolveBundlePath', () => {
  it('maps app://bundle/ paths to files inside the renderer folder', () => {
    expect(resolveBundlePath('app://bundle/index.html', root)).toEqual({
      ok: true,
      value: `${root}/index.html`,
    });
    expect(resolveBundlePath('app://bundle/', root)).toEqual({ ok: true, value: `${root}/index.html` });
    expect(resolveBundlePath('app://bundle/assets/index-abc.js?x=1#y', root)).toEqual({
      ok: true,
      value: `${root}/assets/index-abc.js`,
    });
    expect(resolveBundlePath('app://bundle/assets/my%20font.woff2', root)).toEqual({
      ok: true,
      value: `${root}/assets/my font.woff2`,
    });
  });

  it('rejects other schemes, hosts and credentials', () => {
    for (const url of [
      'file:///etc/passwd',
      'https://bundle/index.html',
      'app://evil/index.html',
      'app://user:pw@bundle/index.html',
      'not a url',
    ]) {
      expect(resolveBundlePath(url, root).ok, url).toBe(false);
    }
  });

  it('never resolves outside the bundle, however the traversal is spelled', () => {
    for (const url of [
      'app://bundle/..%2f..%2fetc/passwd',
      'app://bundle/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://bundle/assets/..%5c..%5cwindows%5cwin.ini',
      'app://bundle/%2e%2e',
      'app://bundle/a%00.html',
      'app://bundle/C:%5cWindows',
      'app://bundle//etc/passwd',
      'app://bundle/%E0%A4%A',
    ]) {
      const r = resolveBundlePath(url, root);
      expect(r.ok, url).toBe(false);
    }
    // Plain dot segments are normalised away by the URL parser and stay inside the root.
    const r = resolveBundlePath('app://bundle/../../etc/passwd', root);
    expect(r).toEqual({ ok: true, value: `${root}/etc/passwd` });
  });

  it('picks content types by extension', () => {
    expect(contentTypeFor('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a/x.bin')).toBe('application/octet-stream');
  });
});

describe('handleBundleRequest against real files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-bundle-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Harbormaster</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'top secret');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html with the CSP header and nosniff', async () => {
    const res = await handleBundleRequest(
      { url: 'app://bundle/index.html', method: 'GET' },
      join(dir, 'renderer'),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Harbormaster</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(parseCsp(res.headers.get('content-security-policy') ?? '').get('script-src')).toEqual(["'self'"]);
  });

  it('serves scripts with a JavaScript type (module scripts need it)', async () => {
    const res = await handleBundleRequest(
      { url: 'app://bundle/assets/app.js', method: 'GET' },
      join(dir, 'renderer'),
    );
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for traversal to a real file outside the bundle and for missing files', async () => {
    const outside = await handleBundleRequest(
      { url: 'app://bundle/..%2fsecret.txt', method: 'GET' },
      join(dir, 'renderer'),
    );
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('top secret');
    const missing = await handleBundleRequest(
      { url: 'app://bundle/nope.js', method: 'GET' },
      join(dir, 'renderer'),
    );
    expect(missing.status).toBe(404);
    const dirItself = await handleBundleRequest(
      { url: 'app://bundle/assets', method: 'GET' },
      join(dir, 'renderer'),
    );
    expect(dirItself.status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const res = await handleBundleRequest(
      { url: 'app://bundle/index.html', method: 'POST' },
      join(dir, 'renderer'),
    );
    expect(res.status).toBe(405);
  });
});
