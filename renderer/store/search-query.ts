// What the search box means: the searchable text of a listener and the port a query names.
import { displayNameOf, pageTitleOf } from '../../app/model/display-name.js';
import type { Listener } from '../../app/model/listener.js';
import { parsePortQuery } from '../../app/model/port.js';
import { cleanText } from '../format/text.js';

/** What the search box means right now. */
export type PortIntent =
  | { readonly kind: 'none' }
  /** `:3000` or `host:3000`: exactly that port. */
  | { readonly kind: 'exact'; readonly port: number }
  /** Bare digits that are a valid port: substring search, and the port itself may be free. */
  | { readonly kind: 'digits'; readonly port: number }
  /** Looks like a port but is not one (`619009`, `:0`): the message names the valid range. */
  | { readonly kind: 'invalid'; readonly message: string };

const haystacks = new WeakMap<Listener, string>();

/** Lower-cased searchable text of a listener, cached per (stable) listener object. */
export function haystackOf(l: Listener): string {
  let h = haystacks.get(l);
  if (h !== undefined) return h;
  const o = l.owner;
  const parts: (string | number | null | undefined)[] = [
    l.port,
    l.address,
    `${l.protocol}${l.family ?? ''}`,
    l.service?.name,
    // What the row is called and what the page says: "storefront", "next dev", the URL.
    l.url,
    pageTitleOf(l),
    displayNameOf(l)?.primary,
  ];
  if (o.kind === 'process') {
    parts.push(o.name, o.pid, o.command, o.user, o.project?.name, o.container?.name, o.exe);
  } else {
    parts.push('unknown', o.pid, o.user);
  }
  h = cleanText(parts.filter((p) => p !== null && p !== undefined).join(' ')).toLowerCase();
  haystacks.set(l, h);
  return h;
}

/** Parses what the box says about ports (never coerces: see parsePortQuery). */
export function portIntent(query: string): PortIntent {
  const q = query.trim();
  if (q === '') return { kind: 'none' };
  if (/^\d+$/.test(q)) {
    const r = parsePortQuery(q);
    return r.ok ? { kind: 'digits', port: r.value.port } : { kind: 'invalid', message: r.error.message };
  }
  // A pasted URL (`http://localhost:5173/app`): its port, or the scheme's default (issue 13).
  const url = /^(https?):\/\/(?:[^@/?#\s]*@)?(\[[^\]]*\]|[^\s:/?#]*)(?::([^/?#\s]*))?(?:[/?#]\S*)?$/i.exec(q);
  if (url) {
    if (url[3] === undefined) return { kind: 'exact', port: url[1]?.toLowerCase() === 'https' ? 443 : 80 };
    const r = parsePortQuery(url[3]);
    return r.ok ? { kind: 'exact', port: r.value.port } : { kind: 'invalid', message: r.error.message };
  }
  // `:3000`, `localhost:3000`, `[::1]:8080`, `127.0.0.1:80`: the part after the last colon is a port.
  if (/^(\[[^\]]*\]|[^\s:]*):\S*$/.test(q)) {
    const r = parsePortQuery(q);
    return r.ok ? { kind: 'exact', port: r.value.port } : { kind: 'invalid', message: r.error.message };
  }
  return { kind: 'none' };
}
