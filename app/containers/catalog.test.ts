import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContainerCatalog } from './catalog.js';
import { classifySocketError, engineSocketCandidates } from './engine-client.js';
import { parseInspect } from './inspect.js';

// A real HTTP server on a unix socket serving recorded Engine API answers (Docker 20.10 and
// Podman 4's compatible API), so the catalog's request pattern can be counted.
const ID = 'a'.repeat(12) + '0123456789abcdef'.repeat(3) + '0123';
const dockerInspect = {
  Id: ID,
  Name: '/web',
  Config: {
    Image: 'img',
    Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
  },
  State: { Status: 'running', Running: true, Pid: 4242, Health: { Status: 'healthy' } },
  HostConfig: { RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } },
  NetworkSettings: {
    IPAddress: '',
    Ports: {
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }],
      '443/tcp': null,
      '53/udp': [{ HostIp: '', HostPort: '5353' }],
    },
    Networks: { shop_default: { IPAddress: '172.18.0.2', GlobalIPv6Address: '' } },
  },
};
// Podman 4.3 /v4.0.0/containers/{id}/json through the Docker-compatible endpoint (trimmed).
const podmanInspect = {
  Id: 'b'.repeat(64),
  Name: 'db',
  Image: 'sha256:' + 'c'.repeat(64),
  Config: { Image: 'docker.io/library/postgres:15', Labels: { 'io.podman.compose.project': 'x' } },
  State: { Status: 'running', Running: true, Pid: 777 },
  HostConfig: { RestartPolicy: { Name: '', MaximumRetryCount: 0 } },
  NetworkSettings: {
    Ports: { '5432/tcp': [{ HostIp: '0.0.0.0', HostPort: '15432' }] },
    Networks: { podman: { IPAddress: '10.88.0.5' } },
  },
};

let server: Server | null = null;
let dir: string | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

async function fakeEngine(inspect: unknown) {
  dir = mkdtempSync(join(tmpdir(), 'hmtest-containers-engine-'));
  const socketPath = join(dir, 'engine.sock');
  const hits: string[] = [];
  let events: ServerResponse | null = null;
  server = createServer((req, res) => {
    const url = req.url ?? '';
    hits.push(url.split('?')[0] ?? url);
    if (url.startsWith('/events')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      events = res;
      return;
    }
    res.setHeader('content-type', 'application/json');
    if (url.startsWith('/containers/json')) res.end(JSON.stringify([{ Id: (inspect as { Id: string }).Id }]));
    else if (url.startsWith('/containers/')) res.end(JSON.stringify(inspect));
    else res.writeHead(404).end('{"message":"page not found"}');
  });
  await new Promise<void>((r) => server?.listen(socketPath, r));
  return {
    socketPath,
    hits,
    emit: (e: unknown) => events?.write(`${JSON.stringify(e)}\n`),
    eventsOpen: () => events !== null,
  };
}

describe('container catalog over a unix socket', () => {
  it('reads the Engine API once, then only after an /events message (no request per scan)', async () => {
    const engine = await fakeEngine(dockerInspect);
    const catalog = createContainerCatalog({
      socketPath: engine.socketPath,
      readInside: () => [],
      ttlMs: 60_000,
    });
    try {
      await catalog.refresh();
      expect(engine.hits.filter((h) => h !== '/events')).toEqual([
        '/containers/json',
        `/containers/${ID}/json`,
      ]);
      const before = engine.hits.length;
      for (let i = 0; i < 20; i += 1) await catalog.refresh();
      expect(engine.hits.length).toBe(before);
      expect(engine.eventsOpen()).toBe(true);
      engine.emit({ Type: 'container', Action: 'health_status: unhealthy', Actor: { ID } });
      await new Promise((r) => setTimeout(r, 50));
      await catalog.refresh();
      expect(engine.hits.slice(before)).toEqual(['/containers/json', `/containers/${ID}/json`]);
      expect(catalog.current().containers[0]).toMatchObject({
        name: 'web',
        image: 'img',
        health: 'healthy',
        composeProject: 'shop',
        composeService: 'web',
        restartPolicy: 'unless-stopped',
        pid: 4242,
        ips: ['172.18.0.2'],
      });
    } finally {
      catalog.dispose();
    }
  });

  it('keeps current() the same object across quiet refreshes, so the snapshot join stays memoised', async () => {
    const engine = await fakeEngine(dockerInspect);
    const catalog = createContainerCatalog({ socketPath: engine.socketPath, readInside: () => [] });
    try {
      await catalog.refresh();
      const first = catalog.current();
      for (let i = 0; i < 5; i += 1) await catalog.refresh();
      expect(catalog.current()).toBe(first);
      engine.emit({ Type: 'container', Action: 'die', Actor: { ID } });
      await new Promise((r) => setTimeout(r, 50));
      await catalog.refresh();
      expect(catalog.current()).not.toBe(first);
    } finally {
      catalog.dispose();
    }
  });

  it("reads a container's namespace sockets on first sight, not on every scan", async () => {
    const engine = await fakeEngine(dockerInspect);
    let reads = 0;
    const catalog = createContainerCatalog({
      socketPath: engine.socketPath,
      readInside: () => {
        reads += 1;
        return [{ protocol: 'tcp', family: 4, address: '127.0.0.1', port: 80 }];
      },
    });
    try {
      for (let i = 0; i < 10; i += 1) await catalog.refresh();
      expect(reads).toBe(1);
      expect(catalog.current().inside.get(ID)).toHaveLength(1);
      // Our own stop/restart (or a start event) makes it due again.
      catalog.invalidate();
      await catalog.refresh();
      expect(reads).toBe(2);
    } finally {
      catalog.dispose();
    }
  });

  it("reads Podman's compatible API (recorded answers): name without slash, empty restart policy", async () => {
    const engine = await fakeEngine(podmanInspect);
    const catalog = createContainerCatalog({ socketPath: engine.socketPath, readInside: () => null });
    try {
      await catalog.refresh();
      expect(catalog.current()).toMatchObject({
        access: 'ok',
        containers: [
          {
            name: 'db',
            shortId: 'bbbbbbbbbbbb',
            image: 'docker.io/library/postgres:15',
            restartPolicy: 'no',
            health: null,
            composeProject: 'x',
            published: [{ protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 15432, containerPort: 5432 }],
          },
        ],
      });
    } finally {
      catalog.dispose();
    }
  });

  it('says "no socket" for a missing socket and never throws', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hmtest-containers-engine-'));
    const catalog = createContainerCatalog({ socketPath: join(dir, 'missing.sock') });
    await catalog.refresh();
    expect(catalog.current()).toMatchObject({ access: 'no-socket', containers: [] });
    catalog.dispose();
  });
});

describe('engine access and discovery', () => {
  it('tells a permission problem (not in the docker group) from a missing or dead daemon', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    expect(classifySocketError('/s', e('EACCES'))).toEqual({ kind: 'denied', socketPath: '/s' });
    expect(classifySocketError('/s', e('ENOENT'))).toEqual({ kind: 'no-socket', socketPath: '/s' });
    expect(classifySocketError('/s', e('ECONNREFUSED'))).toMatchObject({ kind: 'unreachable' });
  });

  it('tries DOCKER_HOST=unix://… alone, else Docker, rootless Docker, then Podman sockets', () => {
    expect(engineSocketCandidates({ DOCKER_HOST: 'unix:///tmp/d.sock' })).toEqual(['/tmp/d.sock']);
    expect(
      engineSocketCandidates({ XDG_RUNTIME_DIR: '/run/user/1000', DOCKER_HOST: 'tcp://1.2.3.4:2375' }),
    ).toEqual([
      '/var/run/docker.sock',
      '/run/user/1000/docker.sock',
      '/run/podman/podman.sock',
      '/run/user/1000/podman/podman.sock',
    ]);
  });

  it('rejects inspect bodies that are not containers', () => {
    expect(parseInspect(null)).toBeNull();
    expect(parseInspect({ Id: '../../etc' })).toBeNull();
    expect(
      parseInspect({ Id: ID, NetworkSettings: { Ports: { '80/tcp': [{ HostPort: '99999' }], bad: [] } } })
        ?.published,
    ).toEqual([]);
  });
});
