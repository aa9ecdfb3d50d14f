import { describe, expect, it } from 'vitest';
import { NAT_ONLY_NOTE, type ContainerInfo } from '../model/container.js';
import type { ProcessOwner } from '../model/listener.js';
import { listener, processOwner, unknownOwner } from '../testing/fixtures.js';
import { isContainerPlumbing, joinContainers, type JoinInput } from './join.js';

const web: ContainerInfo = {
  id: 'f'.repeat(64),
  shortId: 'ffffffffffff',
  name: 'web',
  image: 'img',
  state: 'running',
  health: null,
  composeProject: null,
  composeService: null,
  restartPolicy: 'no',
  pid: 10,
  ips: ['172.17.0.2'],
  published: [
    { protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, listenerIds: [] },
    { protocol: 'tcp', hostIp: '::', hostPort: 8080, containerPort: 80, listenerIds: [] },
    { protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 9443, containerPort: 443, listenerIds: [] },
  ],
  inside: null,
};
const input = (over: Partial<JoinInput> = {}): JoinInput => ({
  access: 'ok',
  socketPath: '/var/run/docker.sock',
  message: null,
  containers: [web],
  inside: new Map(),
  ...over,
});
const dockerd = processOwner({
  pid: 700,
  name: 'dockerd',
  command: 'dockerd --userland-proxy=false',
  uid: 0,
});

describe('joining host listeners to containers', () => {
  it('attributes dockerd-held wildcard binds (v4 and v6) and lists the unheld binding as NAT only', () => {
    const v4 = listener({ id: 'v4', address: '0.0.0.0', port: 8080, owner: dockerd });
    const v6 = listener({ id: 'v6', address: '::', family: 6, port: 8080, owner: dockerd });
    const other = listener({ id: 'api', address: '127.0.0.1', port: 2375, owner: dockerd });
    const { listeners, section } = joinContainers([v4, v6, other], input());
    expect((listeners[0]?.owner as ProcessOwner).container).toMatchObject({
      name: 'web',
      image: 'img',
      access: 'ok',
    });
    expect((listeners[1]?.owner as ProcessOwner).container?.name).toBe('web');
    // dockerd's own API port is not a container's.
    expect(listeners[2]).toBe(other);
    expect(section.containers[0]?.published).toEqual([
      expect.objectContaining({ hostIp: '0.0.0.0', listenerIds: ['v4', 'v6'] }),
      expect.objectContaining({ hostIp: '::', listenerIds: ['v4', 'v6'] }),
      expect.objectContaining({ hostPort: 9443, listenerIds: [], note: NAT_ONLY_NOTE }),
    ]);
  });

  it('leaves listeners untouched (same objects) when nothing is a container holder', () => {
    const node = [listener({ port: 8080 })];
    expect(joinContainers(node, input()).listeners).toBe(node);
  });

  it('without socket access, names a hidden docker-proxy from its public argv as "→ a container (needs access…)"', () => {
    const hidden = listener({
      address: '127.0.0.1',
      port: 18080,
      owner: unknownOwner({ pid: null, uid: 0, user: 'root' }),
    });
    const { listeners } = joinContainers(
      [hidden],
      input({
        access: 'denied',
        message: 'Add your user to the docker group.',
        containers: [],
        proxies: [
          {
            pid: 55,
            startToken: '99',
            ppid: 700,
            argv: ['/usr/sbin/docker-proxy', '-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', '18080'],
            proto: 'tcp',
            hostIp: '127.0.0.1',
            hostPort: 18080,
          },
        ],
      }),
    );
    expect(listeners[0]?.owner).toMatchObject({
      kind: 'process',
      pid: 55,
      name: 'docker-proxy',
      container: {
        access: 'denied',
        name: null,
        note: 'docker-proxy → a container (needs access to the Docker socket). Add your user to the docker group.',
      },
    });
  });

  it('flags the published-but-loopback-inside trap and unpublished listeners', () => {
    const { section } = joinContainers(
      [],
      input({
        inside: new Map([
          [
            web.id,
            [
              { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 80 },
              { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 443 },
              { protocol: 'udp', family: 6, address: '::', port: 5353 },
            ],
          ],
        ]),
      }),
    );
    expect(section.containers[0]?.inside).toEqual([
      expect.objectContaining({
        port: 80,
        published: true,
        loopbackOnly: true,
        note: expect.stringContaining('unreachable from the host'),
      }),
      expect.objectContaining({ port: 443, published: true, loopbackOnly: false, note: null }),
      expect.objectContaining({
        port: 5353,
        published: false,
        note: 'listens inside the container on udp 5353; not published to the host',
      }),
    ]);
  });

  it.each([
    'docker-proxy',
    'dockerd',
    'containerd',
    'containerd-shim-runc-v2',
    'rootlesskit',
    'slirp4netns',
    'conmon',
    'rootlessport',
    'vpnkit',
    'com.docker.backend',
    'com.docker.backend.exe',
  ])('treats %s as container plumbing, never to be signalled', (name) => {
    expect(isContainerPlumbing(name)).toBe(true);
  });

  it('does not treat ordinary processes (or look-alikes) as plumbing', () => {
    expect(isContainerPlumbing('node')).toBe(false);
    expect(isContainerPlumbing('docker')).toBe(false);
    expect(isContainerPlumbing('my-dockerd-clone')).toBe(false);
    expect(isContainerPlumbing('x', '/usr/bin/containerd')).toBe(true);
  });
});
