// What every bench script shares: the private data folder and the `--name=N` options.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Never the user's port history: every CLI, serve or core a bench starts records into a temp data
 * folder (set in this process's environment, so children inherit it), removed at exit.
 */
export function usePrivateDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-data-'));
  process.env.HARBORMASTER_DATA_DIR = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The number given as `--name=N` on the command line, or `dflt`. */
export function numberArg(name, dflt) {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : dflt;
}
