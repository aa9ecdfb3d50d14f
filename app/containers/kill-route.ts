import type { KillReport } from '../model/actions.js';
import type { ContainerInfo } from '../model/container.js';
import { hmError, ok, type HmError, type Result } from '../model/errors.js';
import type { Listener, ProcessOwner } from '../model/listener.js';
import type { ContainerActionReport } from './actions.js';
import { isContainerPlumbing } from './join.js';

/** Stops a container through the Engine API (the service's `containerAction`). */
export type StopContainer = (c: ContainerInfo) => Promise<Result<ContainerActionReport>>;

/** The refusal for a signal aimed at container plumbing. */
export function plumbingRefusal(owner: ProcessOwner, port?: number): { ok: false; error: HmError } {
  const c = owner.container;
  const name = c?.name ? `container ${c.name}` : 'a container';
  const denied = c?.access === 'denied';
  const error = hmError(
    'PROTECTED',
    `This port is forwarded by Docker to ${name}; stop the container instead.`,
    {
      hint: denied
        ? `${owner.name} (pid ${owner.pid}) is Docker's plumbing: signalling it breaks the mapping while the container runs on. Harbormaster needs access to the Docker socket to stop the container: add your user to the docker group (sudo usermod -aG docker $USER, then log in again), or find it with this command and run docker stop NAME yourself:`
        : `${owner.name} (pid ${owner.pid}) is Docker's plumbing: signalling it breaks the mapping (or stops every container) while the container runs on.`,
      // Engine text goes into a copyable command only when it is a valid Docker name.
      ...(c?.name && /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(c.name)
        ? { command: `docker stop ${c.name}` }
        : denied
          ? { command: port !== undefined ? `docker ps --filter publish=${port}` : 'docker ps' }
          : {}),
    },
  );
  return { ok: false, error };
}

/**
 * The kill pipeline's container hook (issue 10): a listener held by docker-proxy, dockerd or
 * another engine helper is never signalled. With the container known and an engine to ask, the
 * kill becomes `POST /containers/{id}/stop`; otherwise it is refused with what to do instead.
 * Returns null for every other owner (the normal pipeline continues).
 */
export async function routeContainerKill(
  listener: Listener,
  owner: ProcessOwner,
  stopContainer: StopContainer | undefined,
): Promise<Result<KillReport> | null> {
  if (!isContainerPlumbing(owner.name, owner.exe)) return null;
  const info = owner.container?.info;
  if (!info || !stopContainer) return plumbingRefusal(owner, listener.port);
  const r = await stopContainer(info);
  if (!r.ok) return r;
  return ok({
    outcome: r.value.outcome,
    pid: owner.pid,
    port: listener.port,
    protocol: listener.protocol,
    signals: [],
    elapsedMs: r.value.elapsedMs,
    heldBy: null,
    command: null,
    message: r.value.message,
    container: r.value.container,
    // Docker, not a signal, decided this; no supervisor evidence applies.
    restartedBy: null,
    listeners: [
      {
        protocol: listener.protocol,
        family: listener.family,
        address: listener.address,
        port: listener.port,
        fate: r.value.outcome === 'freed' ? 'freed' : 'still-held',
        heldBy: null,
      },
    ],
  });
}
