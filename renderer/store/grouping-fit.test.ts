import { describe, expect, it } from 'vitest';
import type { Listener } from '../../app/model/listener.js';
import { ITEM_HEIGHTS } from '../components/ListView.js';
import { listener, processOwner } from '../../app/testing/fixtures.js';
import { deriveView, type ViewInputs } from './derive.js';

// Issue 16 item 8, measured: how many rows of a typical dev machine fit in the 420×560 tray
// popover in each layout. The list viewport is what e2e/layout.spec.ts measures there with a row
// selected (header, filter bar and action bar take the rest); compact rows are 48 px, headers 26 px.
export const POPOVER_LIST_VIEWPORT_PX = 406;

const ME = { user: 'alice', uid: 1000 };
const proj = (name: string) => ({ name, root: `/home/alice/${name}`, kind: 'node' as const });
const own = (pid: number, name: string, command: string, project: string | null) =>
  processOwner({ pid, name, command, project: project === null ? null : proj(project), ...ME });
const sys = (pid: number, name: string, user = 'root', uid = 0) =>
  processOwner({ pid, name, command: name, project: null, user, uid });

/** A developer laptop: three JS projects, a Django app, redis, VS Code, and the usual daemons. */
export function typicalDevMachine(): Listener[] {
  const next = own(101, 'node', 'node /home/alice/shop/node_modules/.bin/next dev', 'shop');
  const api = own(102, 'node', 'node dist/index.js', 'api');
  const code = own(106, 'code', '/usr/share/code/code --type=utility', null);
  const redis = own(105, 'redis-server', 'redis-server *:6379', null);
  return [
    listener({ port: 3000, owner: next }),
    listener({ port: 3000, address: '::1', owner: next }),
    listener({
      port: 5173,
      address: '::1',
      owner: own(103, 'node', 'node x/node_modules/.bin/vite', 'admin'),
    }),
    listener({ port: 6006, address: '0.0.0.0', owner: own(104, 'node', 'node storybook dev', 'shop-ui') }),
    listener({ port: 4000, owner: api }),
    listener({ port: 9229, owner: api, url: null }),
    listener({ port: 8000, owner: own(107, 'python3', 'python3 manage.py runserver', 'blog') }),
    listener({ port: 6379, owner: redis, url: null }),
    listener({ port: 6379, address: '::1', owner: redis, url: null }),
    listener({ port: 38211, owner: code, url: null }),
    listener({ port: 41877, owner: code, url: null }),
    listener({ port: 22, address: '0.0.0.0', owner: sys(201, 'sshd'), url: null }),
    listener({ port: 22, address: '::', owner: sys(201, 'sshd'), url: null }),
    listener({ port: 631, owner: sys(202, 'cupsd'), url: null }),
    listener({ port: 5432, address: '0.0.0.0', owner: sys(203, 'docker-proxy'), url: null }),
    listener({ port: 53, owner: sys(204, 'systemd-resolve', 'systemd-resolve', 991), url: null }),
    listener({
      port: 5353,
      protocol: 'udp',
      address: '0.0.0.0',
      owner: sys(205, 'avahi-daemon', 'avahi', 108),
    }),
  ];
}

/** Rows wholly visible from the top of the list in the popover. */
function rowsThatFit(inputs: ViewInputs): { rows: number; headers: number; total: number } {
  const { items } = deriveView(inputs);
  const h = ITEM_HEIGHTS.compact;
  let y = 0;
  let rows = 0;
  let headers = 0;
  for (const it of items) {
    y += it.kind === 'group' ? h.group : h.row;
    if (y > POPOVER_LIST_VIEWPORT_PX) break;
    if (it.kind === 'group') headers++;
    else rows++;
  }
  return { rows, headers, total: items.filter((i) => i.kind === 'row').length };
}

describe('grouping in the 420×560 popover (measured; the default follows the numbers)', () => {
  const base = (over: Partial<ViewInputs>): ViewInputs => ({
    listeners: typicalDevMachine(),
    ghosts: new Map(),
    query: '',
    grouping: 'flat',
    showOtherUsers: false,
    showSystem: false,
    currentUser: ME.user,
    viewerUid: ME.uid,
    ...over,
  });

  for (const everyone of [false, true]) {
    it(`flat fits at least as many rows as either grouping (${everyone ? 'everyone shown' : 'mine only'})`, () => {
      const scope = { showOtherUsers: everyone, showSystem: everyone };
      const flat = rowsThatFit(base({ ...scope }));
      const multi = rowsThatFit(base({ ...scope, grouping: 'grouped' }));
      const all = rowsThatFit(base({ ...scope, grouping: 'grouped', groupSingles: true }));
      console.log(
        `popover ${POPOVER_LIST_VIEWPORT_PX}px, ${everyone ? 'everyone' : 'mine only'} (${flat.total} rows): ` +
          `flat ${flat.rows} rows; group-multi ${multi.rows} rows + ${multi.headers} headers; ` +
          `group-all ${all.rows} rows + ${all.headers} headers`,
      );
      expect(flat.rows).toBeGreaterThanOrEqual(multi.rows);
      expect(multi.rows).toBeGreaterThanOrEqual(all.rows);
    });
  }
});
