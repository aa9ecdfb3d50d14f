import type { KillOutcome } from './actions.js';
import type { Family, Protocol } from './listener.js';

/**
 * Containers as owners of ports (issue 10): what the Engine API says about each running container,
 * joined to the host sockets that forward to it. Plain data, shared by the core and every face.
 */

/** A published port from the container's port bindings (`NetworkSettings.Ports`). */
export interface PublishedPort {
  readonly protocol: Protocol;
  /** Host address the binding names (`0.0.0.0`, `::`, `127.0.0.1`…). */
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  /**
   * Ids of host listeners that hold this binding (docker-proxy, dockerd, rootlessport…); empty
   * when only Docker's NAT rules forward it ("forwarded by Docker's NAT; no host process").
   */
  readonly listenerIds: readonly string[];
  /** Set when no host process holds it. */
  readonly note?: string;
}

/** A socket listening inside the container's network namespace. */
export interface InsideListener {
  readonly protocol: Protocol;
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  /** Some published binding targets this port. */
  readonly published: boolean;
  /** Published, but bound to 127.0.0.1/::1 inside, so the host can never reach it. */
  readonly loopbackOnly: boolean;
  /** One sentence for the faces ("not published", "published, but …"). */
  readonly note: string | null;
}

/** One running container as an owner. */
export interface ContainerInfo {
  readonly id: string;
  /** First 12 hex digits, as `docker ps` shows. */
  readonly shortId: string;
  readonly name: string;
  readonly image: string;
  /** `running`, `restarting`, `paused`… */
  readonly state: string;
  /** Docker's HEALTHCHECK status (`healthy`, `unhealthy`, `starting`), null without one. */
  readonly health: string | null;
  readonly composeProject: string | null;
  readonly composeService: string | null;
  /** `no`, `always`, `unless-stopped`, `on-failure`. */
  readonly restartPolicy: string;
  /** Host pid of the container's init process (its network namespace), when known. */
  readonly pid: number | null;
  /** Container addresses on its networks (to match docker-proxy's `-container-ip`). */
  readonly ips: readonly string[];
  readonly published: readonly PublishedPort[];
  /** Null when the namespace could not be read (not root, or another machine's Docker Desktop). */
  readonly inside: readonly InsideListener[] | null;
}

/** Whether the Engine API answered, and if not, why (shown once, not per port). */
export type EngineAccess = 'ok' | 'denied' | 'no-socket' | 'unreachable';

/** The containers part of a snapshot. */
export interface ContainerSection {
  readonly access: EngineAccess;
  readonly socketPath: string | null;
  /** What to do when access is not ok; null when it is. */
  readonly message: string | null;
  readonly containers: readonly ContainerInfo[];
}

/** The sentence for a published port that no host process holds. */
export const NAT_ONLY_NOTE = "forwarded by Docker's NAT; no host process";

/** Owner text when the socket cannot be read: the user knows a container is behind it. */
export function deniedOwnerText(proxyName: string): string {
  return `${proxyName} → a container (needs access to the Docker socket)`;
}

/** What a container stop or restart achieved, verified by re-scanning the host. */
export interface ContainerActionReport {
  readonly action: 'stop' | 'restart';
  /** `freed`: stopped and its ports are free; `restarted`: it (or a new holder) is back. */
  readonly outcome: KillOutcome;
  readonly container: {
    readonly id: string;
    readonly name: string;
    readonly image: string;
    readonly composeProject: string | null;
    readonly restartPolicy: string;
  };
  /** `tcp 127.0.0.1:18080` for each published port. */
  readonly ports: readonly string[];
  readonly elapsedMs: number;
  readonly message: string;
}
