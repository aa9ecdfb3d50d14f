import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { checkAlias } from '../alias.js';
import { createRemoteHost, type RemoteHost, type RemoteHostOptions } from '../remote-host.js';
import type { RemoteHostView } from '../../model/remote-host.js';
import type { RemoteHosts } from '../remote-hosts-service.js';
import type { SshdFixture } from './sshd-fixture.js';

/** A RemoteHost for one alias of the fixture's client config, with its own 0700 runtime dir. */
export function fixtureHost(
  fx: SshdFixture,
  alias: string,
  extra: Pick<RemoteHostOptions, 'persist' | 'keepShell' | 'listScript' | 'agent'> = {},
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

/**
 * `node -e` source of a TCP server on the namespace's 127.0.0.1 (port 0: any free one) that prints
 * `PORT n`; "close" on its stdin makes it let go of the port while the process lives on, so a test
 * can change a port's holder between a confirmation and the signal. Connections are read (a
 * health probe's close ends them), so "close" is not held up by a prober's half-closed socket.
 */
export function holderServer(port = 0): string {
  return `
const s = require('node:net').createServer((c) => c.resume()).listen(${port}, '127.0.0.1', () => console.log('PORT ' + s.address().port));
process.stdin.on('data', (d) => { if (String(d).includes('close')) s.close(() => console.log('CLOSED')); });
setInterval(() => {}, 1e6);`;
}

/** `node -e` source of a TCP server on 127.0.0.1 that prints `PORT n` and sends `line` to every client. */
export function lineServer(line: string): string {
  return `
const s = require('node:net').createServer((c) => c.end(${JSON.stringify(line)}));
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
setInterval(() => {}, 1e6);`;
}

/** Everything a TCP server at `host:port` sends before it closes (rejects with the connect error). */
export function fetchLine(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect({ host, port });
    let data = '';
    c.on('data', (b) => (data += b.toString()));
    c.on('end', () => resolve(data));
    c.on('error', reject);
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
