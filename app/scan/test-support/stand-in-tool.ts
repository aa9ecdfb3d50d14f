import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder of executable stand-ins for OS tools, so adapters can be driven through every state. */
export interface StandInTools {
  /** The temporary folder (for counters and other scratch files). */
  readonly dir: string;
  /** Writes an executable `/bin/sh` script and returns its absolute path. */
  script(name: string, body: string): string;
  /** A tool that prints `output` (a fixture, byte for byte) on stdout and exits with `exitCode`. */
  printing(name: string, output: string | Buffer, exitCode?: number): string;
  /** A path inside the folder where nothing exists. */
  missing(name: string): string;
  remove(): void;
}

/** Creates a temporary folder of stand-in tools; call `remove()` in afterAll. */
export function createStandInTools(): StandInTools {
  const dir = mkdtempSync(join(tmpdir(), 'hm-tools-'));
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  return {
    dir,
    script,
    printing(name, output, exitCode = 0) {
      const data = join(dir, `${name}.out`);
      writeFileSync(data, output);
      return script(name, `cat '${data}'\nexit ${exitCode}`);
    },
    missing: (name) => join(dir, 'nope', name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
