import type { WebPreferences } from 'electron';

/**
 * The hardened `webPreferences` for every Harbormaster window, stated explicitly even where they
 * equal Electron's defaults (docs/SECURITY.md#electron-hardening). Each line cites the Electron security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security).
 */
export function secureWebPreferences(
  preloadPath: string,
  options: { devTools?: boolean } = {},
): WebPreferences {
  return {
    preload: preloadPath,
    // #3: the page and the preload run in separate JavaScript worlds.
    contextIsolation: true,
    // #4: Chromium's OS sandbox for the renderer; the preload is a single CommonJS file because of it.
    sandbox: true,
    // #2: no Node.js in the page, its workers or its frames.
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // #11/#12: no <webview>.
    webviewTag: false,
    // #6 and #8: keep the same-origin policy and block mixed content.
    webSecurity: true,
    allowRunningInsecureContent: false,
    // #9/#10: no experimental Blink features.
    experimentalFeatures: false,
    // The spellchecker may download dictionaries from Google's CDN; nothing here needs it.
    spellcheck: false,
    // No remote fonts or JS dialogs from the page.
    safeDialogs: true,
    navigateOnDragDrop: false,
    devTools: options.devTools ?? false,
  };
}
