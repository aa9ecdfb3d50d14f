import type { HarbormasterService } from '../service/types.js';
import type { DecodedCall } from './dispatch.js';

/** Largest WebSocket message or HTTP body accepted (docs/SECURITY.md#browser-mode). */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Kill calls allowed per minute across all clients (a replay or a runaway script is slowed). */
const MAX_KILLS_PER_MINUTE = 30;

/** What the HTTP routes and the WebSocket sessions of one running server share. */
export interface ServeContext {
  readonly service: HarbormasterService;
  readonly token: string;
  /** The port actually listened on (0 until bound); every Host/Origin check uses it. */
  readonly port: () => number;
  /** The realpath of the built renderer; nothing outside it is served. */
  readonly staticRoot: string;
  readonly selfPid: number;
  readonly log: (line: string) => void;
  /** The kill rate limit, shared by both transports. */
  readonly killAllowed: (call: DecodedCall) => boolean;
}

/** A sliding one-minute limit on kill calls; other methods always pass. */
export function createKillLimiter(now: () => number = Date.now): (call: DecodedCall) => boolean {
  const killTimes: number[] = [];
  return (call) => {
    if (call.method !== 'kill') return true;
    const t = now();
    while (killTimes.length > 0 && (killTimes[0] ?? 0) < t - 60_000) killTimes.shift();
    if (killTimes.length >= MAX_KILLS_PER_MINUTE) return false;
    killTimes.push(t);
    return true;
  };
}
