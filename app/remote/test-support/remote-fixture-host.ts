import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { checkAlias } from '../alias.js';
import { createRemoteHost, type RemoteHost } from '../remote-host.js';
import type { SshdFixture } from './sshd-fixture.js';

/** A RemoteHost for one alias of the fixture's client config, with its own 0700 runtime dir. */
export function fixtureHost(
  fx: SshdFixture,
  alias: string,
  extra: { persist?: 'yes' | number; keepShell?: boolean } = {},
): RemoteHost {
  const check = checkAlias(alias);
  if (!check.ok) throw new Error(check.reason);
  const runtimeDir = mkdtempSync(join(fx.dir, 'rt-'));
  return createRemoteHost({
    alias: check.alias,
    configFile: fx.configFile,
    runtimeDir,
    env: fx.env,
    timeoutMs: 30_000,
    ...extra,
  });
}

/** Resolves once `child` printed a line matching `re` on stdout. */
export function waitForLine(child: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (b: Buffer) => {
      buf += b.toString();
      const m = re.exec(buf);
      if (m) resolve(m[0]);
    });
    child.once('exit', (c) => reject(new Error(`exited ${c} before printing ${re}`)));
  });
}
