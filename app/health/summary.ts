import type { Health } from '../model/health.js';

/**
 * One human line for a health value, for the CLI (`harbormaster check`, `list --health`) and
 * tooltips: `HTTP 200 · “My app” · 12 ms`, `SSH · SSH-2.0-OpenSSH_9.2 · 1 ms`, `refused`, …
 * Every string inside was already sanitized by the probe.
 */
export function summarizeHealth(health: Health): string {
  switch (health.state) {
    case 'unknown':
      return health.reason ? `not checked: ${health.reason}` : 'not checked yet';
    case 'checking':
      return 'checking…';
    case 'refused':
      return 'refused the connection';
    case 'timeout':
      return health.detail ?? 'no answer in time';
    case 'error':
      return `probe failed: ${health.message}`;
    case 'up':
      break;
  }
  const parts: string[] = [];
  switch (health.kind) {
    case 'http':
    case 'https':
      parts.push(`${health.kind.toUpperCase()} ${health.status ?? ''}`.trim());
      if (health.title) parts.push(`“${health.title}”`);
      if (health.redirect) parts.push(`→ ${health.redirect}`);
      if (health.server) parts.push(health.server);
      break;
    case 'banner':
      parts.push(health.protocol ?? 'speaks first');
      if (health.banner) parts.push(health.banner);
      break;
    case 'redis':
    case 'postgres':
      parts.push(health.protocol ?? (health.kind === 'redis' ? 'Redis' : 'PostgreSQL'));
      break;
    case 'tcp':
      parts.push('accepts connections');
      if (health.banner) parts.push(health.banner);
      break;
  }
  if (health.detail) parts.push(health.detail);
  parts.push(`${health.latencyMs} ms`);
  return parts.join(' · ');
}
