import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../app/model/container.js';
import { ok } from '../../app/model/errors.js';
import { listener, processOwner, snapshot } from '../../app/testing/fixtures.js';
import { renderApp } from '../test-support/render-app.js';
import { deriveView } from '../store/derive.js';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

const info = (over: Partial<ContainerInfo>): ContainerInfo => ({
  id: 'a'.repeat(64),
  shortId: 'aaaaaaaaaaaa',
  name: 'web',
  image: 'img:1',
  state: 'running',
  health: null,
  composeProject: 'shop',
  composeService: 'web',
  restartPolicy: 'always',
  pid: 99,
  ips: ['172.17.0.2'],
  published: [{ protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080, containerPort: 80, listenerIds: [] }],
  inside: [],
  ...over,
});

function heldFor(port: number, c: ContainerInfo, holder = 'docker-proxy', user = 'root') {
  return listener({
    port,
    owner: processOwner({
      pid: 700 + port - 18000,
      name: holder,
      project: null,
      command: `/usr/bin/${holder}`,
      user,
      uid: user === 'root' ? 0 : 1000,
      container: { kind: 'docker', name: c.name, id: c.shortId, image: c.image, info: c, access: 'ok' },
    }),
  });
}

const web = info({});
const db = info({
  id: 'b'.repeat(64),
  shortId: 'bbbbbbbbbbbb',
  name: 'db',
  image: 'pg:15',
  composeService: 'db',
});
const lone = info({
  id: 'c'.repeat(64),
  shortId: 'cccccccccccc',
  name: 'cache',
  image: 'redis:7',
  composeProject: null,
});

describe('grouping containers (issue 10)', () => {
  it("groups a compose project's containers under the project, and a lone container's ports under it, whichever process holds them", () => {
    const v = deriveView({
      listeners: [
        heldFor(18080, web),
        heldFor(18081, db, 'dockerd'),
        heldFor(18082, lone),
        heldFor(18083, lone),
      ],
      ghosts: new Map(),
      query: '',
      grouping: 'grouped',
      showOtherUsers: true,
      showSystem: true,
      currentUser: 'alice',
    });
    const groups = v.items.filter((i) => i.kind === 'group');
    expect(groups.map((g) => [g.label, g.detail])).toEqual([
      ['shop', 'compose project'],
      ['cache', 'container · redis:7'],
    ]);
    const order = v.items.map((i) =>
      i.kind === 'group' ? `# ${i.label}` : i.kind === 'row' ? String(i.listener.port) : i.key,
    );
    expect(order).toEqual(['# shop', '18080', '18081', '# cache', '18082', '18083']);
  });
});

describe('the details pane of a container-owned port (issue 10)', () => {
  it('offers Stop container and Restart container, shows the image, and lists what listens inside, published or not', async () => {
    const c = info({
      inside: [
        {
          protocol: 'tcp',
          family: 4,
          address: '127.0.0.1',
          port: 80,
          published: true,
          loopbackOnly: true,
          note: 'published as 127.0.0.1:18080, but the app inside listens on 127.0.0.1 only, so it is unreachable from the host',
        },
        {
          protocol: 'tcp',
          family: 4,
          address: '0.0.0.0',
          port: 9000,
          published: false,
          loopbackOnly: false,
          note: 'listens inside the container on tcp 9000; not published to the host',
        },
      ],
    });
    // Rootless Docker: the user's own rootlessport holds it, so the default scope shows it.
    const l = heldFor(18080, c, 'rootlessport', 'alice');
    const r = renderApp({
      snapshot: snapshot([l]),
      containerAction: (req) =>
        ok({
          action: req.action,
          outcome: 'restarted',
          container: {
            id: c.shortId,
            name: 'web',
            image: 'img:1',
            composeProject: 'shop',
            restartPolicy: 'always',
          },
          ports: ['tcp 127.0.0.1:18080'],
          elapsedMs: 900,
          message: 'container web (image img:1) restarted; tcp 127.0.0.1:18080 is served again.',
        }),
    });
    disposers.push(r.dispose);
    await r.user.click(await screen.findByRole('option', { name: /Port 18080/ }));
    await r.user.click(screen.getByRole('button', { name: 'Details' }));
    const d = within(screen.getByRole('region', { name: 'Details for port 18080' }));
    expect(d.getByText('img:1')).toBeInTheDocument();
    const inside = within(d.getByRole('list', { name: 'Listening inside web' }));
    expect(inside.getByText('unreachable from the host')).toBeInTheDocument();
    expect(inside.getByText('not published')).toBeInTheDocument();
    expect(inside.getByText(/not published to the host/)).toBeInTheDocument();

    await r.user.click(d.getByRole('button', { name: 'Restart container' }));
    await waitFor(() =>
      expect(r.api.calls.find((x) => x.method === 'containerAction')?.params).toEqual({
        container: c.id,
        action: 'restart',
      }),
    );
    expect(
      await screen.findByText('container web (image img:1) restarted; tcp 127.0.0.1:18080 is served again.'),
    ).toBeInTheDocument();
    expect(r.api.calls.some((x) => x.method === 'kill')).toBe(false);

    await r.user.click(d.getByRole('button', { name: 'Stop container web…' }));
    expect(
      await screen.findByRole('dialog', { name: 'Stop container web on port 18080?' }),
    ).toBeInTheDocument();
  });
});
