import type { KillRequest } from '../contract/api.js';
import { err, ok, type Result } from '../model/errors.js';
import type { Listener, ProcessOwner } from '../model/listener.js';
import type { Snapshot } from '../model/snapshot.js';
import type { SnapshotSource } from '../watch/types.js';
import { endpointOfId, noLongerHolds, ownerKey, sameEndpoint } from './kill-port.js';
import { elevatedKillCommand } from '../model/commands.js';
import { viewerIsRoot } from '../model/unknown-owner-words.js';

/**
 * A scan that started after this call: `refresh()` joins a scan already in flight, and that one
 * may have started before the user said yes (docs/SECURITY.md#kill-pipeline, step 5).
 */
export async function freshScan(source: SnapshotSource): Promise<Snapshot> {
  const asked = Date.now();
  const s = await source.refresh();
  return s.takenAt <= asked ? source.refresh() : s;
}

/** The confirmed listener and its owner, from the current snapshot (or a fresh one). */
export async function locate(
  request: KillRequest,
  source: SnapshotSource,
  platform: NodeJS.Platform,
): Promise<Result<{ listener: Listener; owner: ProcessOwner; snapshot: Snapshot }>> {
  const { listenerId, pid, startToken } = request;
  let snapshot = source.latest();
  if (snapshot === null || snapshot.stale) snapshot = await source.refresh();
  let listener = snapshot.listeners.find((l) => l.id === listenerId);
  if (!listener) {
    // The socket the user saw is gone from the latest scan. If this incarnation holds the same
    // address again, that is still what was confirmed; otherwise say who holds it now.
    const endpoint = endpointOfId(listenerId);
    if (!endpoint) {
      return err('NOT_IN_SNAPSHOT', 'That listener is no longer listed; refresh and try again.', {
        hint: 'The port may already be free.',
      });
    }
    snapshot = await freshScan(source);
    listener = snapshot.listeners.find(
      (l) =>
        sameEndpoint(l, endpoint) &&
        l.owner.kind === 'process' &&
        ownerKey(l.owner) === `${pid}:${startToken}`,
    );
    if (!listener) {
      return err(
        'NO_LONGER_HOLDS',
        `${noLongerHolds(pid, endpoint, snapshot.listeners)} Nothing was signalled.`,
        {
          hint: 'Refresh and check who holds the port before trying again.',
        },
      );
    }
  }
  const owner = listener.owner;
  if (owner.kind !== 'process') {
    // Root is never told to get admin rights: it could not read the process either.
    if (viewerIsRoot(snapshot.viewer ?? null)) {
      return err(
        'EPERM',
        `The owner of ${listener.protocol} port ${listener.port} could not be read, even as root, so Harbormaster cannot check it and signals nothing.`,
        {
          hint: 'Admin rights would not help. If you are sure, stop it yourself:',
          ...(owner.pid !== null
            ? { command: elevatedKillCommand(owner.pid, request.mode, platform, true) }
            : {}),
        },
      );
    }
    return err(
      'EPERM',
      `The owner of ${listener.protocol} port ${listener.port} is not visible to Harbormaster (needs admin).`,
      {
        hint: 'Run it as an administrator to see and stop the owner.',
        ...(owner.pid !== null ? { command: elevatedKillCommand(owner.pid, request.mode, platform) } : {}),
      },
    );
  }
  if (owner.pid !== pid || owner.startToken !== startToken) {
    return err(
      'PROCESS_CHANGED',
      `${listener.protocol} port ${listener.port} is now owned by ${owner.name} (pid ${owner.pid}), not the process you chose; nothing was signalled.`,
      { hint: 'Refresh and check who holds the port before trying again.' },
    );
  }
  return ok({ listener, owner, snapshot });
}
