import { exposureExplanation } from '../../app/model/classify.js';
import type { HmError } from '../../app/model/errors.js';
import type { Health } from '../../app/model/health.js';
import type { KillReport } from '../../app/model/actions.js';
import type { Exposure, Listener, Owner } from '../../app/model/listener.js';
import { cleanText, truncate } from './text.js';
import { formatSeconds } from './time.js';

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

/** How an owner is named in a row. */
export function describeOwner(owner: Owner): OwnerView {
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
  const name =
    owner.reason === 'permission'
      ? 'owner unknown (needs admin)'
      : owner.reason === 'vanished'
        ? 'owner vanished'
        : owner.reason === 'other-namespace'
          ? 'owner in another namespace'
          : owner.reason === 'no-process'
            ? 'no process (kernel socket)'
            : 'owner unknown';
  return {
    name,
    known: false,
    tooltip: cleanText(owner.message) || name,
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

/** What the kill dialog says after the core reported. */
export interface KillResultView {
  readonly headline: string;
  readonly detail: string;
  readonly tone: Tone;
  /** Offer "Force kill" (graceful kill did not end it). */
  readonly offerForce: boolean;
  /** A command to copy (elevated kill). */
  readonly command: string | null;
}

/** Turns a verified KillReport into what the user reads. */
export function describeKillReport(report: KillReport, name: string): KillResultView {
  const port = report.port;
  const who = `${name} (pid ${report.pid})`;
  const held = report.heldBy
    ? `${cleanText(report.heldBy.name) || 'a process'} (pid ${report.heldBy.pid})`
    : 'another process';
  const detail = cleanText(report.message);
  const command = report.command === null ? null : cleanText(report.command);
  switch (report.outcome) {
    case 'freed':
      return {
        headline: `Port ${port} freed in ${formatSeconds(report.elapsedMs)}.`,
        detail,
        tone: 'ok',
        offerForce: false,
        command,
      };
    case 'already-gone':
      return {
        headline: `${who} had already exited.`,
        detail,
        tone: 'info',
        offerForce: false,
        command,
      };
    case 'still-running':
      return {
        headline: `${who} is still running: it ignored ${report.signals.join(', ') || 'the signal'}.`,
        detail,
        tone: 'warn',
        offerForce: true,
        command,
      };
    case 'restarted':
      return {
        headline: `${who} exited, but its supervisor restarted it: port ${port} is held again by ${held}.`,
        detail,
        tone: 'warn',
        offerForce: false,
        command,
      };
    case 'replaced':
      return {
        headline: `${who} exited, but a new process, ${held}, now holds port ${port}.`,
        detail,
        tone: 'warn',
        offerForce: false,
        command,
      };
    case 'still-held':
      return {
        headline: `${who} exited, but port ${port} is still held by ${held}.`,
        detail,
        tone: 'warn',
        offerForce: false,
        command,
      };
    case 'cancelled':
      return {
        headline:
          report.signals.length > 0
            ? `Cancelled after ${report.signals.join(', ')}: nothing more was sent, and ${who} is still running.`
            : `Cancelled: ${who} was not signalled and is still running.`,
        detail,
        tone: 'info',
        offerForce: false,
        command,
      };
    case 'permission-denied':
      return {
        headline: `Needs admin: the system refused to signal ${who}.`,
        detail: detail || 'Run the command below in a terminal with administrator rights.',
        tone: 'bad',
        offerForce: false,
        command,
      };
  }
}

/** Human text for a refused action, by stable error code. */
export function describeError(error: HmError): KillResultView {
  const message = cleanText(error.message);
  const command = error.command ? cleanText(error.command) : null;
  const base = { detail: message, tone: 'bad' as Tone, offerForce: false, command };
  switch (error.code) {
    case 'PROTECTED':
      return {
        ...base,
        headline: 'Refused: this process is protected (system-critical, or Harbormaster itself).',
      };
    case 'PROCESS_CHANGED':
      return {
        ...base,
        headline:
          'Refused: the process changed since the list was taken (its pid now belongs to another program). Nothing was signalled.',
      };
    case 'NO_LONGER_HOLDS':
      return {
        ...base,
        headline: 'Refused: that process no longer holds this port. Nothing was signalled.',
      };
    case 'NOT_IN_SNAPSHOT':
      return {
        ...base,
        headline: 'Refused: this listener is no longer in the current list. Nothing was signalled.',
      };
    case 'EPERM':
      // One message whether the OS refused the signal or Harbormaster could not even read the
      // process to re-check it (then nothing was signalled): only an administrator can stop it.
      return { ...base, headline: 'Needs admin: only an administrator can stop this process.' };
    case 'ESRCH':
      return { ...base, headline: 'The process had already exited.', tone: 'info' };
    case 'STILL_LISTENING':
      return { ...base, headline: 'The port is still held.', tone: 'warn' };
    default:
      return { ...base, headline: message || 'The action failed.', detail: cleanText(error.hint) };
  }
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
