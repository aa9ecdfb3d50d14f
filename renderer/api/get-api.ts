import type { HarbormasterApi } from '../../app/contract/api.js';
import { TOKEN_PATTERN, WS_PATH } from '../../app/contract/ws-protocol.js';
import { createWsClient } from './ws-client.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in browser mode. */
    readonly harbormaster?: HarbormasterApi;
  }
}

/** The API the page will use and, in browser mode, why it cannot connect (if it cannot). */
export interface ApiChoice {
  readonly api: HarbormasterApi;
  readonly transport: 'preload' | 'websocket';
  readonly problem: string | null;
}

/** Reads `token` from a `#token=…` fragment (the browser never sends the fragment to a server). */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token !== null && TOKEN_PATTERN.test(token) ? token : null;
}

/** The WebSocket URL on the page's own origin. */
export function wsUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${WS_PATH}`;
}

/** The preload's object in Electron; otherwise a WebSocket client for `harbormaster serve`. */
export function getApi(win: Window = window): ApiChoice {
  const preload = win.harbormaster;
  if (preload) return { api: preload, transport: 'preload', problem: null };
  const token = tokenFromHash(win.location.hash);
  if (token === null) {
    // Without a token the server would refuse us; do not even try (and never retry).
    const dead = createWsClient({
      url: wsUrlFor(win.location),
      token: '',
      createSocket: () => {
        throw new Error('no token');
      },
    });
    dead.close();
    return {
      api: dead,
      transport: 'websocket',
      problem:
        'This address has no access token. Open the link that `harbormaster serve` printed (it ends in #token=…).',
    };
  }
  const api = createWsClient({ url: wsUrlFor(win.location), token });
  return { api, transport: 'websocket', problem: null };
}
