import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, parseCsp } from './csp.js';
import { denyPermissions, hardenWebContents } from './harden-web-contents.js';
import { isPermissionAllowed } from './permissions.js';
import { secureWebPreferences } from './web-preferences.js';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/app/dist/main/preload/preload.cjs');

  it('isolates and sandboxes the renderer with no Node.js anywhere', () => {
    expect(prefs.preload).toBe('/app/dist/main/preload/preload.cjs');
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and turns off webview, insecure content, experiments and spellcheck', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.spellcheck).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('has devtools off unless asked for (development only)', () => {
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences('/p', { devTools: true }).devTools).toBe(true);
  });
});

describe('contentSecurityPolicy', () => {
  const csp = parseCsp(contentSecurityPolicy());

  it('denies by default and allows script only from the bundle, never inline or eval', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    for (const [, sources] of csp) {
      expect(sources).not.toContain("'unsafe-inline'");
      expect(sources).not.toContain("'unsafe-eval'");
      expect(sources).not.toContain('*');
      expect(sources.some((s) => s.startsWith('http'))).toBe(false);
    }
  });

  it('blocks plugins, framing, base rewriting and form posts, and keeps connections to the bundle', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
  });
});

describe('permissions', () => {
  it('denies every permission except sanitized clipboard writes', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
    ]) {
      expect(isPermissionAllowed(p)).toBe(false);
    }
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
  });

  it('installs request and check handlers that apply the policy', () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, p: string) => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    } as unknown as Session;
    denyPermissions(session);
    const answers: boolean[] = [];
    request?.(null, 'media', (v) => answers.push(v));
    request?.(null, 'clipboard-sanitized-write', (v) => answers.push(v));
    expect(answers).toEqual([false, true]);
    expect(check?.(null, 'geolocation')).toBe(false);
  });
});

describe('hardenWebContents', () => {
  function fakeContents() {
    const emitter = new EventEmitter();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = Object.assign(emitter, {
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    });
    return {
      contents: contents as unknown as WebContents,
      emitter,
      open: (url: string) => openHandler?.({ url }),
    };
  }
  function fire(emitter: EventEmitter, name: string, ...args: unknown[]): boolean {
    let prevented = false;
    emitter.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }

  it('prevents navigation, frame navigation, redirects and webviews, and denies new windows', () => {
    const { contents, emitter, open } = fakeContents();
    const log: string[] = [];
    hardenWebContents(contents, (l) => log.push(l));
    expect(fire(emitter, 'will-navigate', 'http://127.0.0.1:3000/')).toBe(true);
    expect(fire(emitter, 'will-frame-navigate')).toBe(true);
    expect(fire(emitter, 'will-redirect')).toBe(true);
    expect(fire(emitter, 'will-attach-webview')).toBe(true);
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(log).toEqual([
      'blocked navigation to http://127.0.0.1:3000/',
      'blocked window.open of https://evil.example/',
    ]);
  });
});
