import { describe, expect, it } from 'vitest';
import { listener as fixture, processOwner, settingsWith, snapshot } from '../../app/testing/fixtures.js';
import type { Listener } from '../../app/model/listener.js';
import { buildTrayMenu } from './tray-menu.js';
import { type TrayMenuItem } from './tray-item.js';

// Plain processes outside any project, and no URL unless a case gives one.
const listener = (port: number, over: Partial<Listener> = {}): Listener =>
  fixture({ url: null, owner: processOwner({ project: null }), ...over, port });

const labels = (items: readonly TrayMenuItem[]) =>
  items.map((i) => (i.type === 'separator' ? '---' : i.label));

describe('the tray lists pinned ports first', () => {
  const api = listener(3000, {
    url: 'http://127.0.0.1:3000/',
    owner: processOwner({ project: null, pid: 501, name: 'node', uid: 1000 }),
  });
  const vite = listener(5173, {
    url: 'http://127.0.0.1:5173/',
    owner: processOwner({ project: null, pid: 502, name: 'vite', uid: 1000 }),
  });

  it('puts pins before every group, labelled, with "down" for a pin nothing listens on', () => {
    const menu = buildTrayMenu({
      snapshot: snapshot([vite, api]),
      paused: false,
      settings: settingsWith({
        pins: [
          { port: 4000, label: 'Payments' },
          { port: 3000, label: 'Storefront API' },
        ],
      }),
      currentUid: 1000,
      platform: 'linux',
    });
    const l = labels(menu);
    expect(l[0]).toBe('Pinned');
    expect(l[1]).toBe('○ :4000 Payments — down');
    // The label first, then the name the window gives the row (app/model/display-name.ts).
    expect(l[2]).toBe('○ :3000  Storefront API · vite (node)');
    expect(menu[2]?.submenu?.some((i) => i.action?.type === 'open')).toBe(true);
    // The pinned listener is not listed again under its group.
    expect(l.filter((x) => x?.includes(':3000')).length).toBe(1);
    expect(l.indexOf('Dev servers')).toBeGreaterThan(2);
  });

  it('has no Pinned section without pins', () => {
    const menu = buildTrayMenu({
      snapshot: snapshot([api]),
      paused: false,
      settings: settingsWith({}),
      currentUid: 1000,
      platform: 'linux',
    });
    expect(labels(menu)).not.toContain('Pinned');
  });
});
