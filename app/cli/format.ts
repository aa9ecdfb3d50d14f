import { cleanText, toSafeJson } from '../model/clean-text.js';
import { deniedOwnerText } from '../model/container.js';
import type { Health } from '../model/health.js';
import type { Listener, Owner } from '../model/listener.js';
import type { Viewer } from '../model/snapshot.js';
import { unknownOwnerWords } from '../model/unknown-owner-words.js';

/** Who this process runs as (uid only; POSIX), for wording what it could not read. */
export function localViewer(): Viewer {
  return { uid: typeof process.getuid === 'function' ? process.getuid() : null, user: null };
}

/** Untrusted text for one line of a table or message: the shared {@link cleanText}, capped at `max`. */
export function clean(text: string, max = 200): string {
  return cleanText(text, { max });
}

/** `--json` output: string values capped, controls and bidi escaped as \uXXXX (never dropped). */
export function jsonOut(value: unknown): string {
  return `${toSafeJson(value, 2)}\n`;
}

/** "3h 12m", "45s": how long ago `since` (epoch ms) was. */
export function formatUptime(since: number | null, now = Date.now()): string {
  if (since === null) return '';
  let s = Math.max(0, Math.round((now - since) / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** `127.0.0.1:3000`, `[::1]:8080`. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** One short phrase for a health value. */
export function formatHealth(h: Health): string {
  switch (h.state) {
    case 'unknown':
      return h.reason ? `not probed (${h.reason})` : 'not probed';
    case 'checking':
      return 'checking…';
    case 'refused':
      return 'refused';
    case 'timeout':
      return 'timeout';
    case 'error':
      return `error: ${clean(h.message, 60)}`;
    case 'up': {
      const parts: string[] = [];
      if (h.kind === 'http' || h.kind === 'https') {
        parts.push(`${h.kind.toUpperCase()} ${h.status ?? ''}`.trim());
        if (h.tls?.selfSigned) parts.push('self-signed');
        if (h.title) parts.push(`"${clean(h.title, 40)}"`);
        if (h.redirect) parts.push(`→ ${clean(h.redirect, 40)}`);
      } else if (h.kind === 'tcp') parts.push('TCP open');
      else parts.push(h.protocol ?? h.kind);
      parts.push(`${Math.round(h.latencyMs)} ms`);
      return parts.join(' · ');
    }
  }
}

/**
 * Owner summary for tables: `node → container web` or, for an owner that could not be read, the
 * real reason worded for the viewer (app/model/unknown-owner-words.ts: root is never told to get
 * admin rights). The viewer defaults to this process: the CLI runs its core in-process.
 */
export function formatOwner(owner: Owner, viewer: Viewer | null = localViewer()): string {
  if (owner.kind === 'unknown') return unknownOwnerWords(owner, viewer).short;
  const c = owner.container;
  // Issue 10: the container is the owner; without socket access say so instead of guessing.
  if (c?.access === 'denied') return deniedOwnerText(clean(owner.name, 40));
  const container = c
    ? c.kind === 'docker' && c.name !== null
      ? ` → container ${clean(c.name, 60)}${c.image ? ` (${clean(c.image, 80)})` : ''}`
      : ` → ${c.kind} ${clean(c.name ?? c.target ?? '', 60)}`.trimEnd()
    : '';
  return `${clean(owner.name, 40)}${container}`;
}

/** Renders rows as an aligned text table; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The stable `--json` form of a listener (documented in README "CLI JSON"). */
export function listenerJson(l: Listener) {
  const o = l.owner;
  return {
    id: l.id,
    protocol: l.protocol,
    family: l.family,
    address: l.address,
    port: l.port,
    exposure: l.exposure,
    portRange: l.portRange,
    service: l.service?.name ?? null,
    url: l.url,
    owner:
      o.kind === 'process'
        ? {
            known: true as const,
            pid: o.pid,
            name: o.name,
            command: o.command,
            user: o.user,
            startedAt: o.startedAt === null ? null : new Date(o.startedAt).toISOString(),
            exe: o.exe,
            cwd: o.cwd,
            project: o.project?.name ?? null,
            container: o.container,
          }
        : {
            known: false as const,
            reason: o.reason,
            // Worded for this viewer: root is never told to get admin rights.
            message: unknownOwnerWords(o, localViewer()).detail,
            pid: o.pid,
            user: o.user,
          },
    health: l.health,
  };
}
