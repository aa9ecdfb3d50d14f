import { readFileSync } from 'node:fs';
import type { Listener } from '../../model/listener.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { HarbormasterService } from '../../service/types.js';
import { createHarbormasterService } from '../../service/create-service.js';
import { createContainerCatalog } from '../catalog.js';
import type { DockerHarness } from './docker-harness.js';

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

/** Is the process alive (and not a zombie)? */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** `State.Running` of a container, from the Engine API. */
export async function running(h: DockerHarness, id: string): Promise<boolean> {
  const r = await h.api('GET', `/containers/${id}/json`);
  return (JSON.parse(r.body) as { State: { Running: boolean } }).State.Running;
}
