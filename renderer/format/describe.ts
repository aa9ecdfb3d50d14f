import { exposureExplanation } from '../../app/model/classify.js';
import type { Health } from '../../app/model/health.js';
import type { Exposure, Listener, Owner } from '../../app/model/listener.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { unknownOwnerWords } from '../../app/model/unknown-owner-words.js';
import { cleanText, truncate } from './text.js';

/** How a badge is coloured. */
export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'busy' | 'info';

/** A badge: short label, colour and a tooltip sentence. */
export interface BadgeView {
  readonly label: string;
  readonly tone: Tone;
  readonly tooltip: string;
}

const ms = (n: number): string => `${Math.round(n)} ms`;

/** The health badge for a listener's last probe. */
export function describeHealth(health: Health): BadgeView {
  switch (health.state) {
    case 'unknown':
      return {
        label: 'not probed',
        tone: 'muted',
        tooltip: cleanText(health.reason) || 'Not probed yet. Use "Check health" to probe it now.',
      };
    case 'checking':
      return { label: 'checking…', tone: 'busy', tooltip: 'A probe is in flight.' };
    case 'refused':
      return {
        label: 'refused',
        tone: 'bad',
        tooltip: `The connection was refused (${ms(health.latencyMs)}): listed as listening, but not accepting.`,
      };
    case 'timeout':
      return {
        label: 'timeout',
        tone: 'bad',
        tooltip: `No answer within the deadline: it accepts but hangs, or a firewall drops it.${
          health.detail ? ` ${cleanText(health.detail)}` : ''
        }`,
      };
    case 'error':
      return {
        label: 'probe error',
        tone: 'bad',
        tooltip: `${cleanText(health.code)}: ${cleanText(health.message)}`,
      };
    case 'up': {
      const extra = health.detail ? ` ${cleanText(health.detail)}` : '';
      switch (health.kind) {
        case 'http':
        case 'https': {
          const scheme = health.kind === 'https' ? 'HTTPS' : 'HTTP';
          const parts = [health.status === undefined ? scheme : `${scheme} ${health.status}`];
          if (health.tls?.selfSigned) parts.push('self-signed');
          const title = cleanText(health.title).trim();
          if (title) parts.push(`"${truncate(title, 28)}"`);
          parts.push(ms(health.latencyMs));
          const status = health.status ?? 0;
          const tone: Tone = status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'ok';
          const tip = [
            `Answered ${scheme}${health.status === undefined ? '' : ` with status ${health.status}`} in ${ms(health.latencyMs)}.`,
          ];
          if (title) tip.push(`Title: "${title}".`);
          if (health.server) tip.push(`Server: ${cleanText(health.server)}.`);
          if (health.redirect) tip.push(`Redirects to ${cleanText(health.redirect)} (not followed).`);
          if (health.tls?.selfSigned)
            tip.push(`Certificate not trusted${health.tls.note ? `: ${cleanText(health.tls.note)}` : ''}.`);
          return { label: parts.join(' · '), tone, tooltip: tip.join(' ') + extra };
        }
        case 'tcp':
          return {
            label: `TCP open · ${ms(health.latencyMs)}`,
            tone: 'ok',
            tooltip: `Accepts TCP connections (${ms(health.latencyMs)}); not probed further (not HTTP, or HTTP is not allowed here).${extra}`,
          };
        case 'redis':
          return {
            label: `Redis · ${ms(health.latencyMs)}`,
            tone: 'ok',
            tooltip: `Answered the Redis PING in ${ms(health.latencyMs)}.${extra}`,
          };
        case 'postgres':
          return {
            label: `PostgreSQL · ${ms(health.latencyMs)}`,
            tone: 'ok',
            tooltip: `Answered the PostgreSQL SSLRequest in ${ms(health.latencyMs)}.${extra}`,
          };
        case 'banner': {
          const proto = cleanText(health.protocol) || 'Banner';
          const banner = cleanText(health.banner);
          return {
            label: `${truncate(proto, 16)} · ${ms(health.latencyMs)}`,
            tone: 'ok',
            tooltip: `Greeted first${banner ? `: "${banner}"` : ''}.${extra}`,
          };
        }
      }
    }
  }
}

/** The exposure badge: loopback / all interfaces / one specific (LAN) address. */
export function describeExposure(exposure: Exposure): BadgeView {
  const tooltip = exposureExplanation(exposure);
  switch (exposure) {
    case 'loopback':
      return { label: 'loopback', tone: 'ok', tooltip };
    case 'all-interfaces':
      return { label: 'all interfaces', tone: 'warn', tooltip };
    case 'specific':
      return { label: 'LAN', tone: 'info', tooltip };
  }
}

/** Owner label pieces, with the unknown cases said plainly. */
export interface OwnerView {
  readonly name: string;
  readonly known: boolean;
  readonly tooltip: string;
  readonly pid: number | null;
  readonly user: string | null;
  readonly project: string | null;
}

/**
 * How an owner is named in a row. An owner the scan could not read is worded by its real reason
 * and by who is asking (app/model/unknown-owner-words.ts, the CLI's words too): root is never told
 * to get admin rights, since admin rights would not help it.
 */
export function describeOwner(owner: Owner, viewer: Viewer | null): OwnerView {
  if (owner.kind === 'process') {
    const name = cleanText(owner.name) || `pid ${owner.pid}`;
    const container = owner.container?.name ? cleanText(owner.container.name) : null;
    return {
      name: container ? `${name} → ${container}` : name,
      known: true,
      tooltip: cleanText(owner.command) || name,
      pid: owner.pid,
      user: owner.user === null ? null : cleanText(owner.user),
      // A container's port shows its image where a process shows its project (issue 10).
      // (docker-proxy's "project" is only dockerd's working directory, so the image wins).
      project: owner.container?.image
        ? cleanText(owner.container.image)
        : owner.project
          ? cleanText(owner.project.name)
          : null,
    };
  }
  const words = unknownOwnerWords(owner, viewer);
  return {
    name: words.short,
    known: false,
    tooltip: cleanText(words.detail) || words.short,
    pid: owner.pid,
    user: owner.user === null ? null : cleanText(owner.user),
    project: null,
  };
}

/** `tcp6`, `udp4`…, and `tcp?` when the backend could not tell the family. */
export function protoLabel(listener: Pick<Listener, 'protocol' | 'family'>): string {
  return `${listener.protocol}${listener.family ?? '?'}`;
}

/** The bind address as one would type it with a port: `[::1]`, `127.0.0.1`. */
export function addressLabel(address: string): string {
  const a = cleanText(address);
  return a.includes(':') ? `[${a}]` : a;
}

/** What the header counts: "7 shown · 1 hidden (other users)", never "7 of 8" or "31 of 26". */
export function summaryText(counts: {
  readonly shown: number;
  readonly total: number;
  readonly hiddenOther: number;
  readonly hiddenSystem: number;
  readonly hiddenSelf?: number;
}): string {
  const { shown, total, hiddenOther, hiddenSystem } = counts;
  const hiddenSelf = counts.hiddenSelf ?? 0;
  const hidden: string[] = [];
  if (hiddenOther > 0) hidden.push(`${hiddenOther} hidden (other users)`);
  if (hiddenSystem > 0) hidden.push(`${hiddenSystem} hidden (system)`);
  if (hiddenSelf > 0) hidden.push(`${hiddenSelf} hidden (this window)`);
  const unmatched = Math.max(0, total - shown - hiddenOther - hiddenSystem - hiddenSelf);
  if (unmatched > 0) hidden.push(`${unmatched} not matching`);
  if (hidden.length === 0) return `${shown} listening`;
  return [`${shown} shown`, ...hidden].join(' · ');
}
