import type { ContainerInfo } from '../model/container.js';
import type { EngineClient } from './engine-client.js';
import { parseInspect } from './inspect.js';

/** Stopped containers looked at per `why`: Docker lists newest first, and old ones rarely matter. */
const LIMIT = 25;

/**
 * Containers that are not running (exited, created, dead) with their configured port bindings.
 * The catalog lists running containers only (`/containers/json` without `all`), which is right for
 * the list of listeners, but "why can't I connect to 8080?" is often "the container that publishes
 * 8080 has exited": `why` asks for these when the target did not answer. Best effort: an engine
 * error gives none.
 */
export async function readStoppedContainers(client: EngineClient): Promise<ContainerInfo[]> {
  const filters = encodeURIComponent(JSON.stringify({ status: ['exited', 'created', 'dead'] }));
  const list = await client.getJson<unknown[]>(`/containers/json?all=1&limit=${LIMIT}&filters=${filters}`);
  if (!list.ok || !Array.isArray(list.value)) return [];
  const ids = list.value
    .map((c) => (typeof c === 'object' && c !== null ? (c as { Id?: unknown }).Id : undefined))
    .filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{12,64}$/i.test(id))
    .slice(0, LIMIT);
  const inspected = await Promise.all(ids.map((id) => client.getJson<unknown>(`/containers/${id}/json`)));
  return inspected.flatMap((r) => {
    const info = r.ok ? parseInspect(r.value) : null;
    return info && info.state !== 'running' ? [info] : [];
  });
}
