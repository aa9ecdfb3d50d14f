import { killListenerOwner } from '../../actions/kill.js';
import type { KillMode, KillReport } from '../../model/actions.js';
import type { ContainerInfo } from '../../model/container.js';
import { runContainerAction } from '../actions.js';
import type { Result } from '../../model/errors.js';
import type { Listener, ProcessOwner } from '../../model/listener.js';
import { createLinuxOwnerResolver } from '../../owners/linux-owners.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { HarbormasterService } from '../../service/types.js';
import { createHarbormasterService } from '../../service/create-service.js';
import { createContainerCatalog } from '../catalog.js';
import { freePort, type DockerHarness, type RunSpec } from './docker-harness.js';

/** A real core (real scanner, real owners) that reads the harness daemon's Engine API. */
export async function serviceFor(h: DockerHarness): Promise<HarbormasterService> {
  return createHarbormasterService({
    autoProbe: false,
    startPolling: false,
    containers: createContainerCatalog({ socketPath: h.socketPath, ttlMs: 0, insideMaxAgeMs: 0 }),
    containerStopTimeoutS: 1,
    // Not about history: these scans are never written anywhere.
    history: null,
  });
}

/** A fresh snapshot (lookup re-scans; the snapshot it took is then the latest). */
export async function freshSnapshot(service: HarbormasterService): Promise<Snapshot> {
  await service.lookup({ port: 1 });
  return service.getSnapshot();
}

/** The host listeners on a port in a fresh snapshot. */
export async function holdersOn(service: HarbormasterService, port: number): Promise<Listener[]> {
  return (await freshSnapshot(service)).listeners.filter((l) => l.port === port);
}

/** Polls a fresh scan until `pred` holds (a published port appears a moment after start). */
export async function until<T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!pred(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 150));
    v = await fn();
  }
  return v;
}

/** `State.Running` of a container, from the Engine API. */
export async function running(h: DockerHarness, id: string): Promise<boolean> {
  const r = await h.api('GET', `/containers/${id}/json`);
  return (JSON.parse(r.body) as { State: { Running: boolean } }).State.Running;
}

/** What {@link withPublished} hands a test. */
export interface Published {
  readonly id: string;
  /** The free 127.0.0.1 host port the container's port 80 is published on. */
  readonly port: number;
  readonly service: HarbormasterService;
  /** The host listeners on `port` once the scan lists at least `minHolders` of them. */
  readonly held: Listener[];
}

/**
 * The set-up every container test shares: busybox httpd in a container with its port 80 published
 * on a free loopback port, a real core reading the harness daemon, a wait until the scan lists
 * `minHolders` holders (1 unless said), then `body`; the core is disposed and the container removed
 * whatever `body` did.
 */
export async function withPublished(
  h: DockerHarness,
  spec: Omit<RunSpec, 'cmd' | 'ports'> & {
    readonly cmd?: RunSpec['cmd'];
    /** Published ports other than the default `80/tcp` on `port`. */
    readonly ports?: (port: number) => RunSpec['ports'];
    readonly minHolders?: number;
  },
  body: (c: Published) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const { minHolders = 1, ports, cmd = ['httpd', '-f', '-p', '80', '-h', '/'], ...rest } = spec;
  const id = await h.run({
    ...rest,
    cmd,
    ports: ports?.(port) ?? { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
  });
  const service = await serviceFor(h);
  try {
    const held =
      minHolders > 0
        ? await until(
            () => holdersOn(service, port),
            (l) => l.length >= minHolders,
          )
        : [];
    await body({ id, port, service, held });
  } finally {
    await service.dispose();
    await h.api('DELETE', `/containers/${id}?force=1`);
  }
}

/**
 * Kills the owner of the first listener Docker holds through the real kill pipeline, recording
 * (never sending) any signal. With `stopVia`, container stops go to that daemon's Engine API;
 * without, none is wired in (the "refused" cases).
 */
export async function killFirstHolder(
  service: HarbormasterService,
  held: readonly Listener[],
  mode: KillMode,
  stopVia: DockerHarness | null = null,
): Promise<{ r: Result<KillReport>; owner: ProcessOwner; signalled: number[] }> {
  const signalled: number[] = [];
  const owner = held[0]?.owner as ProcessOwner;
  const source = { latest: () => null, refresh: () => freshSnapshot(service) };
  const catalog = stopVia ? createContainerCatalog({ socketPath: stopVia.socketPath, ttlMs: 0 }) : null;
  try {
    const r = await killListenerOwner(
      { listenerId: held[0]?.id ?? '', pid: owner.pid, startToken: owner.startToken, mode },
      {
        source,
        readIdentity: createLinuxOwnerResolver().readIdentity,
        signal: (pid) => void signalled.push(pid),
        ...(catalog
          ? {
              stopContainer: (c: ContainerInfo) =>
                runContainerAction(c, 'stop', { catalog, source, stopTimeoutS: 1 }),
            }
          : {}),
      },
    );
    return { r, owner, signalled };
  } finally {
    catalog?.dispose();
  }
}
