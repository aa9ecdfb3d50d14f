import { exposureOf, portRange } from '../../model/classify.js';
import { UNKNOWN_HEALTH, type Health } from '../../model/health.js';
import type { Family, Listener, Owner, Protocol } from '../../model/listener.js';
import { knownService } from '../../model/services.js';
import type { Snapshot } from '../../model/snapshot.js';
import { canonicalAddress } from '../../scan/address.js';
import { runTool } from '../../scan/run-tool.js';
import type { RawListener } from '../../scan/types.js';
import type { SnapshotSource } from '../../watch/types.js';
import { urlForListener } from '../url.js';
import { readProcOwner } from './proc.js';

/**
 * A real scanner for the actions tests: `ss -Htulnpe` (listening TCP, unconnected UDP, numeric,
 * with processes and inodes), parsed here, owners read from /proc. It stands in for the lead's
 * procfs/netlink scanner until the service exists; the OS is never mocked.
 */

const SS = '/usr/bin/ss';

/** Parses `ss -Htulnpe` lines; one RawListener per (socket, owning pid). Bad lines are skipped. */
export function parseSsListeners(text: string): RawListener[] {
  const out: RawListener[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const [netid, , , , local] = cols;
    if ((netid !== 'tcp' && netid !== 'udp') || local === undefined) continue;
    const colon = local.lastIndexOf(':');
    if (colon < 0) continue;
    const hostText = local.slice(0, colon);
    const portText = local.slice(colon + 1);
    if (!/^[0-9]{1,5}$/.test(portText)) continue;
    const port = Number.parseInt(portText, 10);
    // ss prints `*` for a dual-stack IPv6 wildcard socket and brackets around IPv6 addresses.
    const family: Family = hostText === '*' || hostText.includes(':') ? 6 : 4;
    const address = canonicalAddress(hostText, family);
    if (address === null || port < 1 || port > 65535) continue;
    const rest = cols.slice(5).join(' ');
    const inode = /\bino:(\d+)/.exec(rest)?.[1] ?? null;
    const owners = [...rest.matchAll(/\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=\d+\)/g)].map((m) => ({
      name: m[1] ?? '',
      pid: Number.parseInt(m[2] ?? '0', 10),
    }));
    const base = { protocol: netid as Protocol, family, address, port, socketId: inode, uid: null };
    if (owners.length === 0) out.push({ ...base, pid: null, processName: null });
    const seen = new Set<number>();
    for (const o of owners) {
      if (seen.has(o.pid)) continue;
      seen.add(o.pid);
      out.push({ ...base, pid: o.pid, processName: o.name });
    }
  }
  return out;
}

/**
 * A SnapshotSource that scans with `ss` on every refresh (single-flight). `healthOf` overlays
 * probe results on the listeners (and their URLs) whenever the snapshot is read, like the real
 * service folds health into its snapshots.
 */
export function createSsSource(
  healthOf: (listenerId: string) => Health | undefined = () => undefined,
): SnapshotSource & { readonly scans: () => number } {
  let latest: Snapshot | null = null;
  let inFlight: Promise<Snapshot> | null = null;
  let seq = 0;
  const scan = async (): Promise<Snapshot> => {
    const started = performance.now();
    const r = await runTool(SS, ['-Htulnpe'], { timeoutMs: 5000 });
    seq += 1;
    if (!r.ok) {
      latest = {
        seq,
        takenAt: Date.now(),
        durationMs: performance.now() - started,
        source: 'ss',
        status: 'failed',
        stale: true,
        notes: [],
        error: r.error,
        listeners: latest?.listeners ?? [],
      };
      return latest;
    }
    const raws = parseSsListeners(r.stdout);
    const owners = new Map<number, Owner>();
    for (const pid of new Set(raws.map((x) => x.pid).filter((p): p is number => p !== null))) {
      const o = await readProcOwner(pid);
      owners.set(
        pid,
        o.ok
          ? o.value
          : { kind: 'unknown', reason: 'vanished', message: o.error.message, pid, uid: null, user: null },
      );
    }
    const listeners: Listener[] = raws.map((raw) => {
      const owner: Owner =
        (raw.pid !== null ? owners.get(raw.pid) : undefined) ??
        ({
          kind: 'unknown',
          reason: 'not-reported',
          message: 'owner not reported',
          pid: null,
          uid: null,
          user: null,
        } satisfies Owner);
      const partial: Omit<Listener, 'url'> = {
        id: `${raw.protocol}:${raw.family}:${raw.address}:${raw.port}:${raw.socketId ?? '?'}:${raw.pid ?? '?'}`,
        protocol: raw.protocol,
        family: raw.family,
        address: raw.address,
        port: raw.port,
        exposure: exposureOf(raw.address),
        portRange: portRange(raw.port),
        service: knownService(raw.port),
        socketId: raw.socketId,
        owner,
        health: UNKNOWN_HEALTH,
      };
      return { ...partial, url: urlForListener({ ...partial, url: null }) };
    });
    latest = {
      seq,
      takenAt: Date.now(),
      durationMs: performance.now() - started,
      source: 'ss',
      status: 'ok',
      stale: false,
      notes: [],
      error: null,
      listeners,
    };
    return latest;
  };
  const overlay = (s: Snapshot): Snapshot => ({
    ...s,
    listeners: s.listeners.map((l) => {
      const health = healthOf(l.id);
      if (!health) return l;
      const withHealth = { ...l, health };
      return { ...withHealth, url: urlForListener(withHealth) };
    }),
  });
  return {
    latest: () => (latest ? overlay(latest) : null),
    refresh: async () => {
      inFlight ??= scan().finally(() => {
        inFlight = null;
      });
      return overlay(await inFlight);
    },
    scans: () => seq,
  };
}
