import { describe, expect, it } from 'vitest';
import type { ProcessOwner } from '../model/listener.js';
import { listener, processOwner } from '../testing/fixtures.js';
import { engineSocketCandidates } from './engine-client.js';
import { parseInspect } from './inspect.js';
import { joinContainers } from './join.js';
import { routeContainerKill } from './kill-route.js';

// Podman cannot run here; these use answers recorded from Podman 4's Docker-compatible API
// (GET /v1.41/containers/{id}/json, trimmed to the fields read) and the processes that hold a
// published port with it: `rootlessport` for rootless Podman, `conmon` for rootful Podman.
const recorded = {
  Id: '3f1c'.padEnd(64, 'a'),
  Created: '2026-11-30T10:12:03.123456789Z',
  Path: 'docker-entrypoint.sh',
  Name: 'shop_db_1',
  Image: 'sha256:' + 'c'.repeat(64),
  Config: {
    Image: 'docker.io/library/postgres:15',
    Labels: {
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'db',
      'io.podman.compose.project': 'shop',
    },
  },
  State: {
    Status: 'running',
    Running: true,
    Pid: 4711,
    Health: { Status: 'healthy', FailingStreak: 0, Log: null },
  },
  HostConfig: { RestartPolicy: { Name: '', MaximumRetryCount: 0 } },
  NetworkSettings: {
    Ports: { '5432/tcp': [{ HostIp: '', HostPort: '15432' }] },
    Networks: { shop_default: { IPAddress: '10.89.0.2' } },
  },
};

describe('Podman (recorded Engine API answers)', () => {
  it('reads the compat inspect shape: bare name, empty restart policy as no, health, compose labels', () => {
    expect(parseInspect(recorded)).toMatchObject({
      name: 'shop_db_1',
      shortId: '3f1caaaaaaaa',
      image: 'docker.io/library/postgres:15',
      health: 'healthy',
      restartPolicy: 'no',
      composeProject: 'shop',
      composeService: 'db',
      pid: 4711,
      ips: ['10.89.0.2'],
      // Podman leaves HostIp empty for "all addresses".
      published: [{ protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 15432, containerPort: 5432 }],
    });
  });

  it('finds the rootful socket, then the rootless one under XDG_RUNTIME_DIR', () => {
    const list = engineSocketCandidates({ XDG_RUNTIME_DIR: '/run/user/1000' });
    expect(list.indexOf('/run/podman/podman.sock')).toBeGreaterThan(-1);
    expect(list.indexOf('/run/user/1000/podman/podman.sock')).toBeGreaterThan(
      list.indexOf('/run/podman/podman.sock'),
    );
    expect(engineSocketCandidates({ DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' })).toEqual([
      '/run/user/1000/podman/podman.sock',
    ]);
  });

  it.each([
    ['rootless', 'rootlessport', 1000, 'rootlessport'],
    ['rootful', 'conmon', 0, '/usr/bin/conmon --api-version 1 -c 3f1c…'],
  ])(
    '%s Podman: the port %s holds is the container’s, and it is never signalled',
    async (_, name, uid, command) => {
      const info = parseInspect(recorded);
      if (!info) throw new Error('recorded inspect did not parse');
      const owner = processOwner({ pid: 900, name, command, uid, exe: `/usr/bin/${name}` });
      const held = listener({ id: 'l', address: '0.0.0.0', port: 15432, owner });
      const { listeners, section } = joinContainers([held], {
        access: 'ok',
        socketPath: '/run/podman/podman.sock',
        message: null,
        containers: [info],
        inside: new Map(),
      });
      const joined = listeners[0]?.owner as ProcessOwner;
      expect(joined.container).toMatchObject({ name: 'shop_db_1', image: 'docker.io/library/postgres:15' });
      expect(section.containers[0]?.published[0]?.listenerIds).toEqual(['l']);
      // Without a container stop wired in, the kill is refused with what to do; nothing is signalled.
      const l = listeners[0];
      if (!l) throw new Error('no listener');
      const r = await routeContainerKill(l, joined, undefined);
      expect(r).toMatchObject({
        ok: false,
        error: {
          code: 'PROTECTED',
          message: 'This port is forwarded by Docker to container shop_db_1; stop the container instead.',
        },
      });
    },
  );
});
