import { portRange } from '../../app/model/classify.js';
import { UNKNOWN_HEALTH } from '../../app/model/health.js';
import type { Listener } from '../../app/model/listener.js';
import type { RemoteHostView, RemoteListener } from '../../app/model/remote-host.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { knownService } from '../../app/model/services.js';
import { cleanText } from './text.js';

/**
 * A remote listener in the shape the list row draws (the same `ListRow` as local rows), so a
 * remote port reads exactly like a local one. The text was cleaned by the core; it is cleaned
 * again here because this is where it reaches the page. Never probed from here: health is the
 * remote agent's own probe on the agent path, else "unknown" (probing a remote port from here
 * would go through a forward, which only "Open" makes).
 */
export function remoteAsListener(alias: string, r: RemoteListener): Listener {
  const id = `remote:${alias}:${r.protocol}${r.family}:${r.address}:${r.port}:${r.inode}`;
  const h = r.holder;
  return {
    id,
    protocol: r.protocol,
    family: r.family,
    address: r.address,
    port: r.port,
    exposure: r.exposure,
    portRange: portRange(r.port),
    service: knownService(r.port),
    socketId: r.inode,
    // The agent path probes on the remote (its health, cleaned on the core side); the script none.
    health: r.health ?? UNKNOWN_HEALTH,
    url: null,
    owner: h
      ? {
          kind: 'process',
          pid: h.pid,
          startToken: h.startTicks,
          startedAt: h.startedAt,
          name: cleanText(h.name),
          command: cleanText(h.command),
          exe: null,
          user: h.user === null ? null : cleanText(h.user),
          uid: h.uid,
          cwd: h.cwd === null ? null : cleanText(h.cwd),
          project: null,
          container: null,
          ppid: null,
        }
      : {
          kind: 'unknown',
          reason: 'permission',
          message: `Held by uid ${r.socketUid} on ${cleanText(alias)}; its process is not visible to this login.`,
          pid: null,
          uid: r.socketUid,
          user: null,
        },
  };
}

/**
 * Who read the remote's processes: its login uid from the listing (the user name is not sent), so
 * owners it could not read are worded for that viewer (root there is never told to get admin).
 * Null when the listing did not say.
 */
export function remoteViewer(view: Pick<RemoteHostView, 'viewerUid'> | null): Viewer | null {
  const uid = view?.viewerUid;
  return typeof uid === 'number' ? { uid, user: null } : null;
}
