import { execFile } from 'node:child_process';
import { NAME_HAS_OWNER_ARGV, parseNameHasOwner } from './startup.js';

/**
 * Asks the session bus whether a StatusNotifierWatcher (a tray host) is running: true, false, or
 * null when it could not be asked (no gdbus, no session bus, a timeout). Electron-free adapter;
 * the decision is `trayShows` in startup.ts.
 */
export function hasStatusNotifierWatcher(
  options: {
    readonly argv?: readonly string[];
    readonly env?: NodeJS.ProcessEnv;
    readonly timeoutMs?: number;
  } = {},
): Promise<boolean | null> {
  const { argv = NAME_HAS_OWNER_ARGV, env = process.env, timeoutMs = 2000 } = options;
  const [command, ...args] = argv;
  if (command === undefined) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8', env }, (error, stdout) => {
      resolve(error ? null : parseNameHasOwner(stdout));
    });
  });
}
