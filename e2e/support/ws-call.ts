import { WebSocket } from 'ws';
import type { Snapshot } from '../../app/model/snapshot.js';
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX, type WsServerMessage } from '../../app/contract/ws-protocol.js';
import type { ServeProcess } from './processes.js';

/** How a WebSocket connection attempt to serve ended. */
export type WsAttempt =
  { readonly kind: 'open'; readonly ws: WebSocket } | { readonly kind: 'rejected'; readonly status: number };

/** Opens the serve WebSocket from Node with chosen Host/Origin/token (the way a non-browser attacker could). */
export function connectWs(
  serve: ServeProcess,
  options: { host?: string; origin?: string | null; token?: string | null } = {},
): Promise<WsAttempt> {
  const token = options.token === undefined ? serve.token : options.token;
  const protocols = token === null ? [WS_SUBPROTOCOL] : [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${token}`];
  const origin = options.origin === undefined ? serve.origin : options.origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/ws`, protocols, {
      ...(origin === null ? {} : { origin }),
      ...(options.host ? { headers: { Host: options.host } } : {}),
    });
    ws.once('open', () => resolve({ kind: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ kind: 'rejected', status: res.statusCode ?? 0 });
    });
    ws.once('error', reject);
  });
}

let nextId = 1;

/** Calls one contract method over an open connection and returns the server's answer. */
export function wsCall(ws: WebSocket, method: string, params?: unknown): Promise<WsServerMessage> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: unknown): void => {
      const message = JSON.parse(String(data)) as WsServerMessage;
      if ((message.type === 'result' || message.type === 'error') && message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(
      JSON.stringify(
        params === undefined ? { type: 'call', id, method } : { type: 'call', id, method, params },
      ),
    );
  });
}

/** The current snapshot, fetched over an authorized connection. */
export async function snapshotOver(ws: WebSocket): Promise<Snapshot> {
  const reply = await wsCall(ws, 'getSnapshot');
  if (reply.type !== 'result') throw new Error(`getSnapshot failed: ${JSON.stringify(reply)}`);
  return reply.result as Snapshot;
}
