import { removePrivateDataDir, usePrivateDataDir } from './private-data-dir.js';

// Vitest's and Playwright's global set-up, in the runner process: the configs already pointed the
// environment at the run's private data folder; this removes it when the run ends.

/** Vitest global set-up: returns the teardown. */
export function setup(): () => void {
  usePrivateDataDir();
  return () => removePrivateDataDir();
}
