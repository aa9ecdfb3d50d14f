import { describe, expect, it } from 'vitest';
import { tokenFromHash } from '../api/get-api.js';
import {
  hashWithoutRoute,
  parseRouteHash,
  routeHash,
  type WindowRoute,
} from '../../app/model/window-route.js';

// Main writes these fragments with routeHash; the window reads them with parseRouteHash.
const EXAMPLES: readonly { readonly route: WindowRoute; readonly hash: string }[] = [
  { route: { kind: 'list' }, hash: '' },
  { route: { kind: 'lookup' }, hash: '#lookup' },
  { route: { kind: 'why', target: '3000' }, hash: '#why=3000' },
  {
    route: { kind: 'why', target: 'http://[::1]:5173/a?b=c&d' },
    hash: '#why=http%3A%2F%2F%5B%3A%3A1%5D%3A5173%2Fa%3Fb%3Dc%26d',
  },
  { route: { kind: 'focus', listenerId: 'tcp4|127.0.0.1|3000' }, hash: '#focus=tcp4%7C127.0.0.1%7C3000' },
  { route: { kind: 'focus', listenerId: 'tcp6|::1|5173' }, hash: '#focus=tcp6%7C%3A%3A1%7C5173' },
  {
    route: { kind: 'focus', listenerId: 'udp6|fe80::1%eth0|53' },
    hash: '#focus=udp6%7Cfe80%3A%3A1%25eth0%7C53',
  },
  // `&`, `=`, `+` and spaces survive: they are escaped, so they cannot split or bend the fragment.
  { route: { kind: 'focus', listenerId: 'a&token=b+c d' }, hash: '#focus=a%26token%3Db%2Bc%20d' },
];

const TOKEN = 'Abc123_-'.repeat(5);

describe('window routes', () => {
  it.each(EXAMPLES)('writes $hash for its route and reads it back', ({ route, hash }) => {
    expect(routeHash(route)).toBe(hash);
    expect(parseRouteHash(hash)).toEqual(route);
  });

  it('finds the route beside a browser-mode token, in either order, and the token still reads', () => {
    const focus = { kind: 'focus', listenerId: 'tcp6|::1|5173' } as const;
    const both = `#token=${TOKEN}&${routeHash(focus).slice(1)}`;
    expect(parseRouteHash(both)).toEqual(focus);
    expect(tokenFromHash(both)).toBe(TOKEN);
    expect(parseRouteHash(`#lookup&token=${TOKEN}`)).toEqual({ kind: 'lookup' });
    expect(tokenFromHash(`#lookup&token=${TOKEN}`)).toBe(TOKEN);
    expect(parseRouteHash(`#token=${TOKEN}`)).toEqual({ kind: 'list' });
  });

  it('removes only the route, keeping the token for reconnects and reloads', () => {
    expect(hashWithoutRoute(`#token=${TOKEN}&focus=tcp4%7C127.0.0.1%7C3000`)).toBe(`#token=${TOKEN}`);
    expect(hashWithoutRoute(`#lookup&token=${TOKEN}`)).toBe(`#token=${TOKEN}`);
    expect(hashWithoutRoute('#focus=x')).toBe('');
    expect(hashWithoutRoute('#lookup')).toBe('');
    expect(hashWithoutRoute('')).toBe('');
  });

  it('treats a malformed or empty focus as no route', () => {
    expect(parseRouteHash('#focus=%E0%A4%A')).toEqual({ kind: 'list' });
    expect(parseRouteHash('#focus=')).toEqual({ kind: 'list' });
    expect(parseRouteHash('#focused=x')).toEqual({ kind: 'list' });
    expect(parseRouteHash('#lookups')).toEqual({ kind: 'list' });
  });
});
