import { UNKNOWN_HEALTH, type Health } from '../../model/health.js';
import type { Snapshot } from '../../model/snapshot.js';
import { createLinuxOwnerResolver } from '../../owners/linux-owners.js';
import type { ReadIdentity } from '../../owners/types.js';
import { createLinuxScanner, type LinuxScanner } from '../../scan/linux-scanner.js';
import { createPoller } from '../../watch/poller.js';
import { createSnapshotter } from '../../watch/snapshotter.js';
import type { SnapshotSource } from '../../watch/types.js';
import type { KillDeps } from '../kill.js';
import { urlForListener } from '../url.js';

/** A {@link SnapshotSource} over the real core, plus what the actions tests need around it. */
export interface CoreSource extends SnapshotSource {
  /** Re-reads `healthOf` into the latest snapshot (and its URLs) without scanning. */
  rebuild(): Snapshot | null;
  /** The owner resolver's identity reader, as the real service hands it to kill. */
  readonly readIdentity: ReadIdentity;
  /** A process's name, executable and command line, as the real service hands it to kill. */
  readonly readParent: NonNullable<KillDeps['readParent']>;
}

// One scanner per test worker, like the one a running service keeps: its netlink socket is
// opened once instead of once per test.
let sharedScanner: LinuxScanner | null = null;

/**
 * The real Linux pieces composed the way createHarbormasterService composes them (netlink or
 * /proc scanner → /proc owners → snapshotter with urls → single-flight poller), without the
 * health monitor or a polling timer: tests scan on demand and never meet a mocked OS. `healthOf`
 * stands in for the monitor's results.
 */
export function createCoreSource(
  healthOf: (listenerId: string) => Health | undefined = () => undefined,
): CoreSource {
  const owners = createLinuxOwnerResolver();
  const snapshotter = createSnapshotter({
    scanner: (sharedScanner ??= createLinuxScanner()),
    owners,
    healthOf: (id) => healthOf(id) ?? UNKNOWN_HEALTH,
    urlFor: (draft) => urlForListener({ ...draft, url: null }),
  });
  // Never started: refresh() alone scans, joining a scan already in flight.
  const poller = createPoller<Snapshot>({ intervalMs: 60_000, task: () => snapshotter.take() });
  return {
    latest: () => snapshotter.latest(),
    refresh: () => poller.refresh(),
    rebuild: () => snapshotter.rebuild(),
    readIdentity: owners.readIdentity,
    readParent: async (pid) => {
      const r = (await owners.resolve([pid])).get(pid);
      return r?.ok ? { pid, name: r.value.name, exe: r.value.exe, command: r.value.command } : null;
    },
  };
}
