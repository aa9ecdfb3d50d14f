import { join } from 'node:path';

/** Where the built pieces live relative to the compiled main process (dist/main/index.js). */
export interface AppPaths {
  /** dist/main/preload/preload.cjs: the sandboxed CommonJS preload. */
  readonly preload: string;
  /** dist/main/core-host/core-host-entry.js: the utility process entry. */
  readonly coreHostEntry: string;
  /** dist/renderer: the Vite build served at app://bundle/. */
  readonly rendererRoot: string;
  /** assets/: tray and app icons. */
  readonly assetsDir: string;
}

/**
 * Resolves the app's files from the folder of the compiled main entry. The same layout holds in
 * development (`electron .`) and inside the packaged `app.asar` (electron-builder `files`).
 */
export function appPaths(mainDir: string): AppPaths {
  return {
    preload: join(mainDir, 'preload', 'preload.cjs'),
    coreHostEntry: join(mainDir, 'core-host', 'core-host-entry.js'),
    rendererRoot: join(mainDir, '..', 'renderer'),
    assetsDir: join(mainDir, '..', '..', 'assets'),
  };
}
