import type { Listener } from '../../app/model/listener.js';

/** The name a row of Harbormaster's own serve port shows. */
export const SELF_NAME = 'Harbormaster (this window)';

/**
 * The port of the `harbormaster serve` this page was loaded from, or null (the Electron window
 * loads from a file or app: URL and has none). Serve only ever binds loopback.
 */
export function selfPortOf(loc: {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}): number | null {
  if (loc.protocol !== 'http:' && loc.protocol !== 'https:') return null;
  if (!/^(127\.0\.0\.1|localhost|\[::1\])$/.test(loc.hostname)) return null;
  const port = Number(loc.port);
  return Number.isInteger(port) && port > 0 ? port : null;
}

/** This window's own server: killing it from here would only cut the window off. */
export function isSelf(
  l: Pick<Listener, 'port' | 'protocol' | 'exposure'>,
  selfPort: number | null,
): boolean {
  return selfPort !== null && l.protocol === 'tcp' && l.port === selfPort && l.exposure === 'loopback';
}

let selfPort: number | null = null;

/** Set once at start-up by the page served over WebSocket (main.tsx); the Electron window never sets it. */
export function setSelfPort(port: number | null): void {
  selfPort = port;
}

/** The page's own serve port, or null (Electron, tests). */
export function getSelfPort(): number | null {
  return selfPort;
}
