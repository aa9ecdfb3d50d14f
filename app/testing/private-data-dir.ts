import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tests and benchmarks never write the user's port history (or anything else in the data folder):
 * the Vitest and Playwright configs call this first, so every service they build and every CLI or
 * serve they spawn with the inherited environment records into one temporary folder per run.
 * Node-only; used by vitest.config.ts, playwright.config.ts and their global set-ups.
 */

/** Set for the run: the folder, and the pid of the process that made it (and removes it). */
const DIR_ENV = 'HARBORMASTER_TEST_DATA_DIR';
const OWNER_ENV = 'HARBORMASTER_TEST_DATA_OWNER';

/** Points HARBORMASTER_DATA_DIR at the run's private folder (made once per run) and returns it. */
export function usePrivateDataDir(env: NodeJS.ProcessEnv = process.env): string {
  let dir = env[DIR_ENV];
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'harbormaster-test-data-'));
    env[DIR_ENV] = dir;
    env[OWNER_ENV] = String(process.pid);
  }
  env.HARBORMASTER_DATA_DIR = dir;
  return dir;
}

/** Removes the run's folder, from the process that made it (a nested runner leaves it alone). */
export function removePrivateDataDir(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[DIR_ENV];
  if (dir && env[OWNER_ENV] === String(process.pid)) rmSync(dir, { recursive: true, force: true });
}
