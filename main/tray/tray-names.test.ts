import { describe, expect, it } from 'vitest';
import { listener, processOwner, settingsWith, snapshot } from '../../app/testing/fixtures.js';
import type { Listener } from '../../app/model/listener.js';
import { buildTrayMenu } from './tray-menu.js';
import { listenerLabel } from './tray-listener.js';

// Five dev servers that are all "node" to the kernel: the tray names them the way the window does
// (app/model/display-name.ts), project and script first, the process name second.
const node = (port: number, command: string, project: string | null, pid: number): Listener =>
  listener({
    port,
    url: `http://127.0.0.1:${port}/`,
    owner: processOwner({
      pid,
      name: 'node',
      command,
      project: project === null ? null : { name: project, root: `/home/alice/dev/${project}`, kind: 'node' },
    }),
  });

const shopNext = node(3000, 'node /home/alice/dev/shop/node_modules/.bin/next dev', 'shop', 501);
const adminVite = node(5173, 'node /home/alice/dev/admin/node_modules/.bin/vite', 'admin', 502);
const blogApi = node(4000, 'node dist/server.js', 'blog', 503);
const loose = node(8080, 'node /tmp/serve-me.js', null, 504);
const bare = node(9000, 'node', null, 505);

describe('tray labels name a node by what the user recognises', () => {
  const settings = settingsWith({});

  it('shows project and script first and the process name second', () => {
    expect(listenerLabel(shopNext, settings, null)).toBe('○ :3000  shop · next dev (node)');
    expect(listenerLabel(adminVite, settings, null)).toBe('○ :5173  admin · vite (node)');
    expect(listenerLabel(blogApi, settings, null)).toBe('○ :4000  blog · dist/server.js (node)');
    expect(listenerLabel(loose, settings, null)).toBe('○ :8080  serve-me.js (node)');
    expect(listenerLabel(bare, settings, null)).toBe('○ :9000  node');
  });

  it('uses the page title when the command says nothing more', () => {
    const titled = node(9001, 'node', null, 506);
    const up: Listener = {
      ...titled,
      health: {
        state: 'up',
        kind: 'http',
        status: 200,
        title: 'Storefront\u0007 admin',
        latencyMs: 3,
        checkedAt: 0,
      },
    } as Listener;
    expect(listenerLabel(up, settings, null)).toBe('● :9001  Storefront admin (node)');
  });

  it('gives five "node" rows five different labels in the menu', () => {
    const menu = buildTrayMenu({
      snapshot: snapshot([shopNext, adminVite, blogApi, loose, bare]),
      paused: false,
      settings,
      currentUid: 1000,
      platform: 'linux',
    });
    const rows = menu.filter((i) => i.type === 'submenu').map((i) => i.label ?? '');
    expect(rows).toHaveLength(5);
    const names = rows.map((r) => r.replace(/^.*?:\d+\s+/, ''));
    expect(new Set(names).size).toBe(5);
  });

  it('puts a pin label first and the display name after it', () => {
    const menu = buildTrayMenu({
      snapshot: snapshot([shopNext]),
      paused: false,
      settings: settingsWith({ pins: [{ port: 3000, label: 'Storefront API' }] }),
      currentUid: 1000,
      platform: 'linux',
    });
    expect(menu.find((i) => i.label?.includes(':3000'))?.label).toBe(
      '○ :3000  Storefront API · shop · next dev (node)',
    );
  });
});
