import type { ContainerRef } from '../model/listener.js';

/**
 * Recognises container and WSL port proxies by process name and arguments, so a port held by
 * `docker-proxy` is shown as a container's, not as "docker-proxy". Pure: resolution to a
 * container name happens separately, and only where possible without privileges.
 */
export function recognizeProxy(name: string, argv: readonly string[]): ContainerRef | null {
  const base = name.toLowerCase();
  if (base === 'docker-proxy') {
    const ip = flag(argv, '-container-ip');
    const port = flag(argv, '-container-port');
    return {
      kind: 'docker',
      name: null,
      ...(ip && port ? { target: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}` } : {}),
      note: 'Forwarded by docker-proxy to a container.',
    };
  }
  if (
    base.startsWith('com.docker.') ||
    base === 'vpnkit' ||
    base === 'vpnkit-bridge' ||
    base === 'docker desktop'
  ) {
    return {
      kind: 'docker',
      name: null,
      note: 'Forwarded by Docker Desktop; `docker ps` names the container.',
    };
  }
  if (base === 'wslrelay.exe' || base === 'wslrelay' || base === 'wslhost.exe') {
    const distro = flag(argv, '--distro-id') ?? flag(argv, '--distro');
    return {
      kind: 'wsl',
      name: null,
      ...(distro ? { id: distro } : {}),
      note: 'Forwarded from a WSL distribution.',
    };
  }
  return null;
}

function flag(argv: readonly string[], name: string): string | null {
  const i = argv.indexOf(name);
  const v = i >= 0 ? argv[i + 1] : undefined;
  if (v !== undefined) return v;
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  return eq ? eq.slice(name.length + 1) : null;
}

interface DockerContainer {
  Id?: string;
  Names?: string[];
  Image?: string;
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> };
}

/** Matches a docker-proxy target ip to a container from Docker's `/containers/json`. Pure. */
export function matchContainer(
  containers: readonly DockerContainer[],
  targetIp: string,
): { name: string; id: string; image?: string } | null {
  for (const c of containers) {
    for (const net of Object.values(c.NetworkSettings?.Networks ?? {})) {
      if (net.IPAddress === targetIp || net.GlobalIPv6Address === targetIp) {
        const name = (c.Names?.[0] ?? c.Id ?? '').replace(/^\//, '');
        return { name, id: (c.Id ?? '').slice(0, 12), ...(c.Image ? { image: c.Image } : {}) };
      }
    }
  }
  return null;
}

/**
 * Asks the Docker engine which container owns an address, through its unix socket — only when the
 * socket is readable by this user (docker group); never elevates. Cached for 10 s.
 */
export function createDockerResolver(socketPath = '/var/run/docker.sock', now: () => number = Date.now) {
  let cache: { at: number; containers: DockerContainer[] | null } | null = null;
  const list = (): Promise<DockerContainer[] | null> =>
    new Promise((resolve) => {
      // node:http is loaded only when a docker-proxy listener is seen (CLI cold start, issue 14).
      const { request } = process.getBuiltinModule('node:http');
      const req = request({ socketPath, path: '/containers/json', method: 'GET', timeout: 500 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.length > 4 * 1024 * 1024) req.destroy();
        });
        res.on('end', () => {
          try {
            const parsed = JSON.parse(body) as unknown;
            resolve(Array.isArray(parsed) ? (parsed as DockerContainer[]) : null);
          } catch {
            resolve(null);
          }
        });
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(null));
      req.end();
    });
  return async function resolveContainer(ref: ContainerRef): Promise<ContainerRef> {
    if (ref.kind !== 'docker' || !ref.target) return ref;
    if (!cache || now() - cache.at > 10_000) cache = { at: now(), containers: await list() };
    if (!cache.containers)
      return { ...ref, note: `${ref.note ?? ''} Container name needs access to ${socketPath}.`.trim() };
    const ip = ref.target.startsWith('[')
      ? ref.target.slice(1, ref.target.indexOf(']'))
      : (ref.target.split(':')[0] ?? '');
    const hit = matchContainer(cache.containers, ip);
    return hit ? { ...ref, name: hit.name, id: hit.id, ...(hit.image ? { image: hit.image } : {}) } : ref;
  };
}
