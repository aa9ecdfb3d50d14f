import type { ContainerInfo, EngineAccess } from './container.js';
import type { Health } from './health.js';

/** Transport protocol of a listening socket. */
export type Protocol = 'tcp' | 'udp';
/** IP family of a listening socket. */
export type Family = 4 | 6;
/**
 * Who can reach the socket: only this machine (`loopback`), every interface (`all-interfaces`:
 * `0.0.0.0` or `::`), or one specific non-loopback address (`specific`, e.g. a LAN address).
 */
export type Exposure = 'loopback' | 'all-interfaces' | 'specific';
/** IANA port range class: 0–1023, 1024–49151, 49152–65535. */
export type PortRange = 'well-known' | 'registered' | 'dynamic';

/** What kind of thing usually listens on a port; drives grouping and probing policy. */
export type ServiceCategory =
  'web' | 'database' | 'broker' | 'remote' | 'mail' | 'system' | 'debug' | 'other';

/** A well-known service for a port, from the known-service table. */
export interface KnownService {
  readonly name: string;
  readonly category: ServiceCategory;
  /** Never send HTTP here (databases, brokers, printers, debuggers…). */
  readonly neverHttp: boolean;
}

/** The project a process runs in, found from its working directory. */
export interface Project {
  readonly name: string;
  readonly root: string;
  readonly kind: 'node' | 'python' | 'go' | 'rust';
}

/** A container or WSL distribution that a proxy process forwards to. */
export interface ContainerRef {
  readonly kind: 'docker' | 'wsl';
  /** Container name or distro name, when resolved. */
  readonly name: string | null;
  readonly id?: string;
  readonly image?: string;
  /** Address:port inside the container the proxy forwards to, when known. */
  readonly target?: string;
  /** Why it was not resolved further, when name is null. */
  readonly note?: string;
  /** Everything the Engine API says about the container (state, health, compose, restart policy). */
  readonly info?: ContainerInfo;
  /** Whether the Engine API could be asked; `denied` means the user lacks Docker socket access. */
  readonly access?: EngineAccess;
}

/** The process that owns a socket. */
export interface ProcessOwner {
  readonly kind: 'process';
  readonly pid: number;
  /**
   * Identifies this process incarnation together with pid (Linux: start time in clock ticks since
   * boot; macOS/Windows: the start time string). A pid with a different token is another process.
   */
  readonly startToken: string;
  /** Start time as epoch milliseconds, when known. */
  readonly startedAt: number | null;
  /** Short process name (comm / image name). */
  readonly name: string;
  /** Full command line, arguments joined with spaces. */
  readonly command: string;
  /** Path of the executable, when readable. */
  readonly exe: string | null;
  readonly user: string | null;
  readonly uid: number | null;
  readonly cwd: string | null;
  readonly project: Project | null;
  readonly container: ContainerRef | null;
  readonly ppid: number | null;
}

/**
 * Why an owner is unknown: `permission` (not permitted to read it, needs admin: EACCES/EPERM),
 * `other-namespace` (its process is outside our pid namespace: only said on evidence),
 * `no-process` (every process was readable and none holds it: a kernel socket), `vanished`,
 * `not-reported` (the backend gave no owner and no reason).
 */
export type UnknownReason = 'permission' | 'vanished' | 'other-namespace' | 'no-process' | 'not-reported';

/** A socket whose owner we may not see: shown as "owner unknown (needs admin)", never hidden. */
export interface UnknownOwner {
  readonly kind: 'unknown';
  readonly reason: UnknownReason;
  readonly message: string;
  /** The pid when the backend reported it but details were unreadable. */
  readonly pid: number | null;
  /** Socket owner uid when the backend reports it (Linux). */
  readonly uid: number | null;
  readonly user: string | null;
}

/** Either a resolved process or an unknown owner with the reason. */
export type Owner = ProcessOwner | UnknownOwner;

/** One listening socket (TCP in LISTEN state, or an unconnected bound UDP socket). */
export interface Listener {
  /** Stable id across snapshots: protocol, family, address, port and socket identity. */
  readonly id: string;
  readonly protocol: Protocol;
  /**
   * IP family, or null when the backend could not tell and guessing could be wrong (ss on kernels
   * without tcp_diag prints an IPv6 `::` socket as `*`, lsof without its `t` field). The address
   * is then `*` (an any-address of some family) or IPv4 text.
   */
  readonly family: Family | null;
  /** Bind address in canonical text form (`127.0.0.1`, `::1`, `0.0.0.0`, `::`, `fe80::1%eth0`), or `*` (family unknown). */
  readonly address: string;
  readonly port: number;
  readonly exposure: Exposure;
  readonly portRange: PortRange;
  readonly service: KnownService | null;
  /** Kernel socket id (Linux inode) when known. */
  readonly socketId: string | null;
  readonly owner: Owner;
  readonly health: Health;
  /** The URL "open" would use (built by the core from probe + bind address), or null if not web-like. */
  readonly url: string | null;
}
