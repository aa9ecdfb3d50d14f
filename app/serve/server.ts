import type { Server } from 'node:http';
import { realpath } from 'node:fs/promises';
import { err, ok, type Result } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import type { HarbormasterService } from '../service/types.js';
import { bindLoopback, closeServer, describeHolder } from './bind.js';
import { createKillLimiter, type ServeContext } from './context.js';
import { generateToken } from './guards.js';
import { createHttpServer } from './http-routes.js';
import { createWsSessions } from './ws-session.js';

// The server in three parts: bind.ts (loopback binding), http-routes.ts (the renderer files and
// POST /api/call) and ws-session.ts (the WebSocket upgrade, sessions and pushes); this file
// composes them and owns the lifecycle.

export { MAX_MESSAGE_BYTES } from './context.js';

// The default port lives apart so the CLI can name it without loading the server (lazy import).
import { DEFAULT_SERVE_PORT } from './default-port.js';
export { DEFAULT_SERVE_PORT };
/** Most browser tabs connected at once. */
export const DEFAULT_MAX_CLIENTS = 8;

/** Options for {@link startServe}. */
export interface ServeOptions {
  /** The core the browser talks to (the caller owns it and disposes it). */
  readonly service: HarbormasterService;
  /** The built renderer (`dist/renderer`); nothing outside it is ever served. */
  readonly staticDir: string;
  /** Port to bind; 0 lets the OS pick a free one. Default {@link DEFAULT_SERVE_PORT}. */
  readonly port?: number;
  /** Also bind `[::1]` on the same port when IPv6 loopback is available. Default true. */
  readonly ipv6?: boolean;
  /** The per-launch token; default 32 random bytes, base64url. */
  readonly token?: string;
  /** If the port is taken, bind any free port instead of failing (the CLI's `--any-port`). */
  readonly allowPortFallback?: boolean;
  readonly maxClients?: number;
  /** Receives one line per rejected request or notable event (the CLI prints them with --verbose). */
  readonly log?: (line: string) => void;
}

/** A running server. */
export interface ServeHandle {
  /** `http://127.0.0.1:<port>/#token=<token>`: the fragment never reaches the server or its logs. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The loopback addresses actually bound (`127.0.0.1`, and `::1` when available). */
  readonly addresses: readonly string[];
  /** Set when the requested port was taken and a free one was picked instead (allowPortFallback). */
  readonly fallback: { readonly requestedPort: number; readonly heldBy: string } | null;
  /** Connected WebSocket clients. */
  clientCount(): number;
  /** Closes every socket and stops listening; leaves the service to its owner. */
  close(): Promise<void>;
}

/**
 * Starts the browser-mode server: the built renderer over HTTP and `HarbormasterApi` over a
 * WebSocket at `/ws`, on loopback only, behind exact Host/Origin allowlists and a per-launch token.
 * Every call is validated with the contract schemas before it reaches the core; snapshots are
 * pushed to every connected client; the core polls actively only while a client is connected.
 * If the port is taken the error says who holds it (and, only with `allowPortFallback`, a free
 * port is used instead).
 */
export async function startServe(options: ServeOptions): Promise<Result<ServeHandle>> {
  const { service } = options;
  const log = options.log ?? ((): void => undefined);
  const token = options.token ?? generateToken();
  const requestedPort = options.port ?? DEFAULT_SERVE_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    return err('INVALID_PORT', `Port ${String(requestedPort)} is not valid: port must be 0–65535 (0 = any).`);
  }
  let staticRoot: string;
  try {
    staticRoot = await realpath(options.staticDir);
  } catch {
    return err(
      'INTERNAL',
      `The renderer bundle was not found at ${options.staticDir}. Run \`npm run build\`.`,
    );
  }
  const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  // Filled in once bound; every check uses the port actually listened on.
  let port = 0;
  const ctx: ServeContext = {
    service,
    token,
    port: () => port,
    staticRoot,
    selfPid: process.pid,
    log,
    killAllowed: createKillLimiter(),
  };
  const sessions = createWsSessions(ctx, maxClients);
  const make = (): Server => createHttpServer(ctx, sessions.handleUpgrade);

  const ipv6 = options.ipv6 ?? true;
  let bind = await bindLoopback(make, requestedPort, ipv6);
  let fallback: ServeHandle['fallback'] = null;
  if (!bind.ok && bind.code === 'EADDRINUSE') {
    const heldBy = await describeHolder(service, requestedPort);
    if (!options.allowPortFallback) {
      return err('INVALID_PORT', `Port ${requestedPort} is already in use by ${heldBy}.`, {
        hint: 'Choose another with --port N, or --port 0 for any free port.',
      });
    }
    log(`port ${requestedPort} is in use by ${heldBy}; using a free port instead`);
    fallback = { requestedPort, heldBy };
    bind = await bindLoopback(make, 0, ipv6);
  }
  if (!bind.ok) {
    const why = bind.code === 'EACCES' ? 'binding ports below 1024 needs admin rights' : bind.code;
    return err('INTERNAL', `Could not listen on 127.0.0.1:${requestedPort}: ${why}.`);
  }
  const { servers, addresses } = bind.bound;
  port = bind.bound.port;

  const unsubscribe = service.onSnapshot((snapshot: Snapshot) => sessions.broadcast(snapshot));
  service.setInterest('idle');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      unsubscribe();
      await sessions.close();
      await Promise.all(servers.map(closeServer));
      service.setInterest('idle');
    })();
    return closing;
  };

  return ok({
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    addresses,
    fallback,
    clientCount: sessions.count,
    close,
  });
}
