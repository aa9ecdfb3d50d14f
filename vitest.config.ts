import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { usePrivateDataDir } from './app/testing/private-data-dir.js';

// Never the user's port history: every service a test builds and every CLI/serve it spawns
// records into this run's temporary data folder (removed by the global set-up's teardown).
const dataDir = usePrivateDataDir();

/** Two projects: the Node side (core, Electron-free main logic, scripts) and the renderer (jsdom). */
export const config = defineConfig({
  test: {
    globalSetup: ['app/testing/private-data-dir-setup.ts'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['app/**/*.test.ts', 'main/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Real sockets and processes: keep files apart so port/pid assertions do not race.
          pool: 'forks',
          env: { HARBORMASTER_DATA_DIR: dataDir },
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['renderer/test-support/setup.ts'],
          env: { HARBORMASTER_DATA_DIR: dataDir },
          // Full-app renders in jsdom take 0.3–1 s each on a 2-core machine, and over 5 s while
          // other test files load it; the default 5 s made them fail on load, not on behaviour.
          testTimeout: 20_000,
        },
      },
    ],
  },
});

// Vitest and Vite read the default export of their config file; this is the one exception to named exports.
// eslint-disable-next-line no-restricted-syntax
export default config;
