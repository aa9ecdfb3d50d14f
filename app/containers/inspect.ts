import type { ContainerInfo, PublishedPort } from '../model/container.js';

/**
 * Parses `GET /containers/{id}/json` (Docker and Podman's compatible API) into a
 * {@link ContainerInfo} without inside listeners. Pure; every field is checked because the body
 * comes from another program. Reference: https://docs.docker.com/engine/api/v1.41/#tag/Container/operation/ContainerInspect
 */
export function parseInspect(body: unknown): ContainerInfo | null {
  if (typeof body !== 'object' || body === null) return null;
  const c = body as Record<string, unknown>;
  const id = str(c['Id']);
  if (!id || !/^[0-9a-f]{12,64}$/i.test(id)) return null;
  const config = obj(c['Config']);
  const state = obj(c['State']);
  const host = obj(c['HostConfig']);
  const net = obj(c['NetworkSettings']);
  const labels = obj(config['Labels']);
  const ips = new Set<string>();
  const topIp = str(net['IPAddress']);
  if (topIp) ips.add(topIp);
  for (const n of Object.values(obj(net['Networks']))) {
    const v4 = str(obj(n)['IPAddress']);
    const v6 = str(obj(n)['GlobalIPv6Address']);
    if (v4) ips.add(v4);
    if (v6) ips.add(v6);
  }
  const pid = state['Pid'];
  return {
    id,
    shortId: id.slice(0, 12),
    name: (str(c['Name']) ?? id.slice(0, 12)).replace(/^\//, ''),
    image: str(config['Image']) ?? str(c['Image']) ?? '',
    state: str(state['Status']) ?? 'unknown',
    health: str(obj(state['Health'])['Status']) ?? null,
    // podman-compose also writes io.podman.compose.* labels.
    composeProject:
      str(labels['com.docker.compose.project']) ?? str(labels['io.podman.compose.project']) ?? null,
    composeService:
      str(labels['com.docker.compose.service']) ?? str(labels['io.podman.compose.service']) ?? null,
    restartPolicy: str(obj(host['RestartPolicy'])['Name']) || 'no',
    pid: typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null,
    ips: [...ips],
    published: publishedPorts(net['Ports'], host['PortBindings']),
    inside: null,
  };
}

/**
 * What the container publishes: the live bindings (`NetworkSettings.Ports`), or, when it has none
 * because it is not running (restarting between runs, or created), the configured ones
 * (`HostConfig.PortBindings`), so `why` can still name the container that should answer there.
 */
function publishedPorts(live: unknown, configured: unknown): PublishedPort[] {
  const now = parsePortBindings(live);
  return now.length > 0 ? now : parsePortBindings(configured);
}

/**
 * `NetworkSettings.Ports` (and `HostConfig.PortBindings`, the same shape): `{"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18080"}], "53/udp":
 * null}` — null means exposed but not published. An empty HostIp means every address.
 */
export function parsePortBindings(ports: unknown): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(obj(ports))) {
    const m = /^([0-9]{1,5})\/(tcp|udp)$/.exec(key);
    if (!m || !Array.isArray(bindings)) continue;
    const containerPort = Number(m[1]);
    const protocol = m[2] as 'tcp' | 'udp';
    for (const b of bindings) {
      const hostPort = Number(str(obj(b)['HostPort']));
      if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535) continue;
      const hostIp = str(obj(b)['HostIp']) || '0.0.0.0';
      out.push({ protocol, hostIp, hostPort, containerPort, listenerIds: [] });
    }
  }
  return out;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
