import {
  NAT_ONLY_NOTE,
  deniedOwnerText,
  type ContainerInfo,
  type ContainerSection,
  type InsideListener,
  type PublishedPort,
} from '../model/container.js';
import type { ContainerRef, Listener, ProcessOwner } from '../model/listener.js';
import type { InsideSocket } from './netns.js';
import type { ProxyProcess } from './proxy-procs.js';

/**
 * Joins host listeners to the containers they forward to (issue 10). Pure: the catalog's state
 * and the snapshot's listeners in, decorated listeners and the containers section out.
 */

/**
 * Processes that hold a published port on a container's behalf: Docker's userland proxy, the
 * daemon itself (its port reservation with `--userland-proxy=false`), rootless Docker/Podman
 * helpers, Docker Desktop and WSL's relay. Lower-case, without `.exe`.
 */
const PORT_HOLDERS = new Set([
  'docker-proxy',
  'dockerd',
  'rootlesskit',
  'rootlessport',
  'slirp4netns',
  'conmon',
  'vpnkit',
  'vpnkit-bridge',
  'wslrelay',
]);

/**
 * Container plumbing Harbormaster never signals (wslrelay holds ports for WSL too, so it is
 * only joined, not protected): stopping one breaks the port mapping while the
 * container runs on (docker-proxy), or stops every container (dockerd, containerd). Pure.
 */
export function isContainerPlumbing(name: string, exe: string | null = null): boolean {
  const candidates = [name, exe?.split(/[\\/]/).pop() ?? ''];
  return candidates.some((raw) => {
    const n = raw.toLowerCase().replace(/\.exe$/, '');
    return (
      n.length > 0 &&
      ((PORT_HOLDERS.has(n) && n !== 'wslrelay') ||
        n === 'containerd' ||
        n.startsWith('containerd-shim') ||
        n.startsWith('com.docker.'))
    );
  });
}

function isHolder(name: string): boolean {
  const n = name.toLowerCase().replace(/\.exe$/, '');
  return PORT_HOLDERS.has(n) || n.startsWith('com.docker.');
}

/** docker-proxy's target from its argv (`-proto tcp -host-ip … -host-port N -container-ip …`). */
export function proxyArgs(argv: readonly string[]): {
  proto: string | null;
  hostPort: number | null;
  containerIp: string | null;
} {
  const flag = (name: string): string | null => {
    const i = argv.indexOf(name);
    const v = i >= 0 ? argv[i + 1] : undefined;
    if (v !== undefined) return v;
    const eq = argv.find((a) => a.startsWith(`${name}=`));
    return eq ? eq.slice(name.length + 1) : null;
  };
  const port = Number(flag('-host-port'));
  return {
    proto: flag('-proto'),
    hostPort: Number.isInteger(port) && port > 0 ? port : null,
    containerIp: flag('-container-ip'),
  };
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);

function bindingMatches(p: PublishedPort, l: Listener): boolean {
  if (p.protocol !== l.protocol || p.hostPort !== l.port) return false;
  // 0.0.0.0 is published on both families (Docker binds 0.0.0.0 and ::).
  return p.hostIp === l.address || (WILDCARDS.has(p.hostIp) && WILDCARDS.has(l.address));
}

/** The container a host listener forwards to, if it is one of the holders. */
export function containerFor(l: Listener, containers: readonly ContainerInfo[]): ContainerInfo | null {
  const o = l.owner;
  if (o.kind !== 'process' || !isHolder(o.name)) return null;
  if (o.name === 'docker-proxy') {
    const a = proxyArgs(o.command.split(' '));
    const byIp = containers.find(
      (c) =>
        a.containerIp !== null &&
        c.ips.includes(a.containerIp) &&
        c.published.some((p) => p.protocol === l.protocol && p.hostPort === l.port),
    );
    if (byIp) return byIp;
  }
  return containers.find((c) => c.published.some((p) => bindingMatches(p, l))) ?? null;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

/** Flags each socket inside a container: published, not published, or published but loopback-only. */
export function insideListeners(c: ContainerInfo, sockets: readonly InsideSocket[]): InsideListener[] {
  const seen = new Set<string>();
  const out: InsideListener[] = [];
  for (const s of sockets) {
    const key = `${s.protocol}|${s.address}|${s.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const bindings = c.published.filter((p) => p.protocol === s.protocol && p.containerPort === s.port);
    const published = bindings.length > 0;
    // Reachable if any socket on that port listens on a non-loopback address.
    const reachable = sockets.some(
      (o) => o.protocol === s.protocol && o.port === s.port && !isLoopback(o.address),
    );
    const loopbackOnly = published && isLoopback(s.address) && !reachable;
    const hostSide = bindings.map((b) => `${b.hostIp}:${b.hostPort}`).join(', ');
    const note = loopbackOnly
      ? `published as ${hostSide}, but the app inside listens on ${s.address} only, so it is unreachable from the host`
      : !published
        ? `listens inside the container on ${s.protocol} ${s.port}; not published to the host`
        : null;
    out.push({
      protocol: s.protocol,
      family: s.family,
      address: s.address,
      port: s.port,
      published,
      loopbackOnly,
      note,
    });
  }
  return out.sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

/** The catalog state a join needs. */
export interface JoinInput extends ContainerSection {
  readonly inside: ReadonlyMap<string, readonly InsideSocket[] | null>;
  readonly proxies?: readonly ProxyProcess[];
}

/**
 * Without socket access, docker-proxy's socket shows as "owner unknown"; its public command line
 * still names the port, so the owner becomes docker-proxy (exe and cwd unread, as for any other
 * user's process) marked as forwarding to a container the user cannot name.
 */
function proxyOwnerFor(
  l: Listener,
  proxies: readonly ProxyProcess[],
  message: string | null,
): Listener | null {
  if (l.owner.kind !== 'unknown') return null;
  const p = proxies.find(
    (x) =>
      x.proto === l.protocol &&
      x.hostPort === l.port &&
      (x.hostIp === l.address || (WILDCARDS.has(x.hostIp) && WILDCARDS.has(l.address))),
  );
  if (!p) return null;
  const owner: ProcessOwner = {
    kind: 'process',
    pid: p.pid,
    startToken: p.startToken,
    startedAt: null,
    name: 'docker-proxy',
    command: p.argv.join(' '),
    exe: null,
    user: l.owner.user,
    uid: l.owner.uid,
    cwd: null,
    project: null,
    ppid: p.ppid,
    container: {
      kind: 'docker',
      name: null,
      access: 'denied',
      note: `${deniedOwnerText('docker-proxy')}. ${message ?? ''}`.trim(),
    },
  };
  return { ...l, owner };
}

/**
 * Decorates container-holding listeners with their container (name, image, state, health,
 * compose, restart policy) and returns the containers section with each published port's
 * holders, or the NAT-only note when no host process holds it. Listeners that do not change keep
 * their identity (the snapshot diff compares objects).
 */
export function joinContainers(
  listeners: readonly Listener[],
  input: JoinInput,
): { listeners: readonly Listener[]; section: ContainerSection } {
  const containers = input.containers.map((c) => {
    const sockets = input.inside.get(c.id);
    return sockets ? { ...c, inside: insideListeners(c, sockets) } : c;
  });
  const holders = new Map<string, string[]>();
  let changed = false;
  const out = listeners.map((l) => {
    const o = l.owner;
    if (o.kind !== 'process') {
      const upgraded =
        input.access === 'denied' ? proxyOwnerFor(l, input.proxies ?? [], input.message) : null;
      if (upgraded) changed = true;
      return upgraded ?? l;
    }
    if (input.access !== 'ok') {
      if (input.access !== 'denied' || !isHolder(o.name)) return l;
      const ref: ContainerRef = {
        ...(o.container ?? { kind: 'docker', name: null }),
        access: 'denied',
        note: `${deniedOwnerText(o.name)}. ${input.message ?? ''}`.trim(),
      };
      changed = true;
      return withContainer(l, o, ref);
    }
    const c = containerFor(l, containers);
    if (!c) return l;
    const list = holders.get(c.id) ?? [];
    list.push(l.id);
    holders.set(c.id, list);
    const ref: ContainerRef = {
      kind: 'docker',
      name: c.name,
      id: c.shortId,
      image: c.image,
      ...(o.container?.target ? { target: o.container.target } : {}),
      note: `Forwarded by ${o.name} to container ${c.name}; stop the container, not ${o.name}.`,
      info: c,
      access: 'ok',
    };
    changed = true;
    return withContainer(l, o, ref);
  });
  const byId = new Map(out.map((l) => [l.id, l]));
  const finalContainers = containers.map((c) => {
    const mine = (holders.get(c.id) ?? []).flatMap((id) => byId.get(id) ?? []);
    const published = c.published.map((p): PublishedPort => {
      const ids = mine.filter((l) => bindingMatches(p, l)).map((l) => l.id);
      return ids.length > 0 ? { ...p, listenerIds: ids } : { ...p, listenerIds: [], note: NAT_ONLY_NOTE };
    });
    return { ...c, published };
  });
  const section: ContainerSection = {
    access: input.access,
    socketPath: input.socketPath,
    message: input.message,
    containers: finalContainers,
  };
  if (!changed) return { listeners, section };
  // Owners carry the final container record (with each port's holders filled in).
  const final = new Map(finalContainers.map((c) => [c.id, c]));
  const decorated = out.map((l) => {
    const info = l.owner.kind === 'process' ? l.owner.container?.info : undefined;
    const next = info ? final.get(info.id) : undefined;
    if (l.owner.kind !== 'process' || !next || !l.owner.container) return l;
    return withContainer(l, l.owner, { ...l.owner.container, info: next });
  });
  return { listeners: decorated, section };
}

function withContainer(l: Listener, o: ProcessOwner, container: ContainerRef): Listener {
  return { ...l, owner: { ...o, container } };
}

/**
 * {@link joinContainers} memoised on its inputs' identity: a steady-state snapshot reuses its
 * listener array and the catalog its state object, so an unchanged machine costs nothing here.
 */
export function createContainerJoiner(): typeof joinContainers {
  let last: {
    listeners: readonly Listener[];
    input: JoinInput;
    out: ReturnType<typeof joinContainers>;
  } | null = null;
  return (listeners, input) => {
    if (last && last.listeners === listeners && last.input === input) return last.out;
    const out = joinContainers(listeners, input);
    last = { listeners, input, out };
    return out;
  };
}
