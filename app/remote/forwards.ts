import {
  nextForwardId,
  patchForward,
  readForwards,
  writeForwards,
  type ForwardRecord,
} from './forward-registry.js';
import type { RemoteListener } from '../model/remote-host.js';
import { cleanText } from '../model/clean-text.js';
import type { HostFailure } from './host-state.js';
import { pickLocalPort } from './local-port.js';
import type { RemoteHost } from './remote-host.js';
import type { ForwardSpec } from './ssh-argv.js';

/** A forward that was opened, with the mapping to show. */
export interface OpenedForward {
  readonly record: ForwardRecord;
  /** "remote 8080 → local 8081" when the number differs, else "remote 8080 → local 8080". */
  readonly mapping: string;
  readonly remapped: boolean;
  readonly url: string;
}

/** A forward as listed: alive, its host down, or its remote listener gone. */
export type ForwardStatus = 'ok' | 'remote listener gone' | 'host disconnected';

/** Which remote address the forward targets: the listener's loopback, or loopback for a wildcard. */
export function remoteTargetFor(address: string): string {
  if (address === '0.0.0.0' || address === '') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

function specs(r: ForwardRecord): ForwardSpec[] {
  return r.binds.map((bind) => ({
    bind,
    localPort: r.localPort,
    remoteHost: r.remoteHost,
    remotePort: r.remotePort,
  }));
}

/**
 * Opens a managed forward of remote `remotePort` through the host's master: bound to 127.0.0.1
 * (and ::1) only (blinksh/blink#1915), on the same port when free, else on a free port with the
 * mapping shown. A bind lost in a race ("Port forwarding failed", mux.c) retries another port.
 */
export async function openForward(
  host: RemoteHost,
  runtimeDir: string,
  remote: { readonly port: number; readonly address: string },
  wantedLocal: number | null,
): Promise<{ ok: true; value: OpenedForward } | { ok: false; failure: HostFailure }> {
  const connected = await host.connect();
  if (!connected.ok) return connected;
  const refused = new Set<number>();
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const picked = await pickLocalPort(wantedLocal ?? remote.port, refused);
    if (wantedLocal !== null && picked.port !== wantedLocal)
      return {
        ok: false,
        failure: { state: 'failed', message: `Local port ${wantedLocal} is already in use.` },
      };
    const base = {
      localPort: picked.port,
      remoteHost: remoteTargetFor(remote.address),
      remotePort: remote.port,
    };
    const v4 = await host.forward('forward', { bind: '127.0.0.1', ...base });
    if (v4.code !== 0) {
      if (/forwarding failed|in use/i.test(v4.stderr)) {
        refused.add(picked.port);
        continue;
      }
      return {
        ok: false,
        failure: {
          state: 'failed',
          message: `ssh refused the forward: ${cleanText(v4.stderr.trim(), { max: 200 })}`,
        },
      };
    }
    const binds: ('127.0.0.1' | '::1')[] = ['127.0.0.1'];
    if (picked.v6 && (await host.forward('forward', { bind: '::1', ...base })).code === 0) binds.push('::1');
    const records = readForwards(runtimeDir);
    const record: ForwardRecord = {
      id: nextForwardId(records),
      alias: host.alias,
      configFile: host.target.configFile,
      binds,
      ...base,
      createdAt: Date.now(),
    };
    writeForwards(runtimeDir, [...records, record]);
    return {
      ok: true,
      value: {
        record,
        remapped: picked.port !== remote.port,
        mapping: `remote ${remote.port} → local ${picked.port}`,
        url: `http://127.0.0.1:${picked.port}/`,
      },
    };
  }
  return {
    ok: false,
    failure: { state: 'failed', message: 'No local port could be bound for the forward.' },
  };
}

/** Each recorded forward of this host with its status (one remote listing for all of them). */
export async function forwardStatuses(
  host: RemoteHost,
  runtimeDir: string,
): Promise<{ record: ForwardRecord; status: ForwardStatus }[]> {
  const mine = readForwards(runtimeDir).filter((r) => r.alias === host.alias);
  if (mine.length === 0) return [];
  if (!(await host.isConnected())) return mine.map((record) => ({ record, status: 'host disconnected' }));
  const snap = await host.snapshot();
  if (!snap.ok) return mine.map((record) => ({ record, status: 'host disconnected' }));
  const listening = new Set(snap.value.listeners.filter((l) => l.protocol === 'tcp').map((l) => l.port));
  return mine.map((record) => ({
    record,
    status: listening.has(record.remotePort) ? 'ok' : 'remote listener gone',
  }));
}

/** Cancels one recorded forward (`-O cancel` per bind) and drops its record. */
export async function closeForward(host: RemoteHost, runtimeDir: string, id: number): Promise<boolean> {
  const records = readForwards(runtimeDir);
  const r = records.find((x) => x.id === id && x.alias === host.alias);
  if (!r) return false;
  for (const spec of specs(r)) await host.forward('cancel', spec);
  writeForwards(
    runtimeDir,
    readForwards(runtimeDir).filter((x) => x.id !== id),
  );
  return true;
}

/** Closes every forward of this host (app quit, or `forwards --close all`). */
export async function closeAllForwards(host: RemoteHost, runtimeDir: string): Promise<number> {
  const mine = readForwards(runtimeDir).filter((r) => r.alias === host.alias);
  for (const r of mine) await closeForward(host, runtimeDir, r.id);
  return mine.length;
}

/**
 * After each remote scan: a forward whose remote listener is gone is cancelled on the master, so
 * its local port refuses at once instead of accepting and then dropping (vscode-remote-release
 * #11614), and is marked "remote listener gone"; when the listener is back, the forward is
 * re-added on the same local port. Returns the ids that changed.
 */
export async function reconcileForwards(
  host: RemoteHost,
  runtimeDir: string,
  listeners: readonly RemoteListener[],
): Promise<number[]> {
  const listening = new Set(listeners.filter((l) => l.protocol === 'tcp').map((l) => l.port));
  const changed: number[] = [];
  for (const r of readForwards(runtimeDir).filter((x) => x.alias === host.alias)) {
    const present = listening.has(r.remotePort);
    if (!present && r.gone !== true) {
      for (const spec of specs(r)) await host.forward('cancel', spec);
      patchForward(runtimeDir, r.id, { gone: true });
      changed.push(r.id);
    } else if (present && r.gone === true) {
      const results = [];
      for (const spec of specs(r)) results.push(await host.forward('forward', spec));
      if (results[0]?.code === 0) {
        patchForward(runtimeDir, r.id, { gone: false });
        changed.push(r.id);
      }
    }
  }
  return changed;
}
