// The wording helpers every finding family shares (split from findings.ts).
import { sanitizeText } from '../health/text.js';
import type { HistoryOwner } from '../history/types.js';
import type { Listener } from '../model/listener.js';
import type { Attempt } from './ask-http.js';
import type { Finding, WhyFacts } from './types.js';

/** Untrusted text (process names, commands, titles) as it may appear in a finding. */
export const t = (text: string | null | undefined, max = 120): string => sanitizeText(text ?? '', max);

export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The core runs as root: admin rights would not show it more, so it is never told to get them. */
const CORE_IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** How a finding names the holder of a socket; an unreadable owner is worded for who runs the core. */
export function who(l: Listener): string {
  const o = l.owner;
  if (o.kind === 'process') return `${t(o.name, 40)} (pid ${o.pid}${o.user ? `, ${t(o.user, 32)}` : ''})`;
  const user = o.user ? ` of ${t(o.user, 32)}` : o.uid !== null ? ` of uid ${o.uid}` : '';
  return o.reason === 'other-namespace'
    ? `a process in another namespace or container${o.pid !== null ? ` (pid ${o.pid})` : ''}`
    : `a process${user} whose details are hidden (${CORE_IS_ROOT ? 'unreadable even as root' : 'needs admin'})`;
}

export function rememberedName(o: HistoryOwner | null): string {
  if (o === null) return 'an unknown process';
  if (o.kind !== 'process') return `a hidden process${o.user ? ` of ${t(o.user, 32)}` : ''}`;
  const parts = [
    t(o.name, 40),
    o.project ? `project ${t(o.project, 40)}` : null,
    o.pid !== null ? `pid ${o.pid}` : null,
  ];
  return `${o.command ? `\`${t(o.command, 60)}\` ` : ''}(${parts.filter(Boolean).join(', ')})`;
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export function clock(at: number): string {
  return new Date(at).toTimeString().slice(0, 5);
}

export function describeAttempt(a: Attempt, port: number): string {
  const where = endpoint(a.address, port);
  switch (a.result) {
    case 'refused':
      return `${where}: refused (${a.ms} ms)`;
    case 'timed-out':
      return `${where}: timed out, the connection was never accepted (${a.ms} ms)`;
    case 'accepted-silent':
      return `${where}: accepted, then silent${a.detail ? ` (${t(a.detail, 60)})` : ''} (${a.ms} ms)`;
    case 'answered': {
      const what =
        a.status !== undefined
          ? `HTTP ${a.status}${a.title ? ` "${t(a.title, 60)}"` : ''}`
          : a.detail
            ? t(a.detail, 60)
            : 'connected';
      return `${where}: answered${a.speaks ? ` in ${a.speaks === 'other' ? 'another protocol' : a.speaks.toUpperCase()}` : ''} — ${what} (${a.ms} ms)`;
    }
    case 'error':
      return `${where}: failed (${t(a.detail ?? 'error', 40)})`;
  }
}

/** Which listeners would accept a connection to `address` (exact bind or same-family wildcard). */
export function acceptsAt(l: Listener, address: string, family: 4 | 6): boolean {
  if (l.protocol !== 'tcp' || l.family !== family) return false;
  return l.address === address || l.exposure === 'all-interfaces';
}

export type Producer = (f: WhyFacts, tcp: readonly Listener[]) => Finding | null | readonly Finding[];
