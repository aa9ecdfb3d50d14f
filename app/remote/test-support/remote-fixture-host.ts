import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { checkAlias } from '../alias.js';
import { createRemoteHost, type RemoteHost } from '../remote-host.js';
import type { RemoteHostView } from '../../model/remote-host.js';
import type { RemoteHosts } from '../remote-hosts-service.js';
import type { SshdFixture } from './sshd-fixture.js';

/** A RemoteHost for one alias of the fixture's client config, with its own 0700 runtime dir. */
export function fixtureHost(
  fx: SshdFixture,
  alias: string,
  extra: { persist?: 'yes' | number } = {},
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

/** Opens `alias` in the hosts service and polls its view until it leaves `connecting` (≤ 60 s). */
export async function settledView(hosts: RemoteHosts, alias: string): Promise<RemoteHostView | null> {
  let view: RemoteHostView | null = null;
  for (let i = 0; i < 600 && (view === null || view.state === 'connecting'); i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    const r = await hosts.getHost({ alias });
    if (r.ok) view = r.value;
  }
  return view;
}
