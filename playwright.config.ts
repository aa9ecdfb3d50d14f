import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { usePrivateDataDir } from './app/testing/private-data-dir.js';

// Never the user's port history: every serve and CLI a spec spawns inherits this run's temporary
// data folder (the workers inherit the environment; the global teardown removes the folder).
usePrivateDataDir();

/**
 * End-to-end tests: the real `harbormaster serve` (real core, real sockets and processes) driven
 * in a system Chromium. The browser is never downloaded during a test run: CHROMIUM_PATH, else
 * Debian's chromium (installed by .ci/run), else Playwright's own browser if one is installed.
 */
function systemChromium(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) return fromEnv;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
    existsSync(p),
  );
}

const executablePath = systemChromium();

/** The e2e configuration (see e2e/README.md for what each spec drives). */
export const config = defineConfig({
  testDir: 'e2e',
  globalTeardown: './e2e/support/global-teardown.ts',
  // Specs start real processes on real ports and read one shared machine state: run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env['CI']),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1100, height: 720 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 10_000,
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});

// Playwright reads the default export of its config file; the one exception to named exports.
// eslint-disable-next-line no-restricted-syntax
export default config;
