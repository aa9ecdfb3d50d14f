import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

/** node:http loads when the engine is first asked, not with every CLI command (issue 14). */
function request(options: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest {
  return process.getBuiltinModule('node:http').request(options, onResponse);
}

/**
 * A minimal Docker/Podman Engine API client: plain HTTP/1.1 over the unix socket with node:http's
 * `socketPath`. Why not dockerode: it pulls docker-modem, ssh2 (optional native cpu-features),
 * tar-fs and friends into the Electron bundle to reach five documented endpoints
 * (`/containers/json`, `/containers/{id}/json`, `/containers/{id}/stop|restart`, `/events`), all
 * of which are one request each. Errors are values; a missing socket, EACCES (not in the docker
 * group) and a dead daemon are told apart so the faces can say exactly what to do.
 * API reference: https://docs.docker.com/engine/api/v1.41/
 */

/** Why the Engine API could not be reached. */
export type EngineFailure =
  | { readonly kind: 'no-socket'; readonly socketPath: string }
  | { readonly kind: 'denied'; readonly socketPath: string }
  | { readonly kind: 'unreachable'; readonly socketPath: string; readonly detail: string }
  | { readonly kind: 'http'; readonly status: number; readonly message: string };

/** Success or an {@link EngineFailure}. */
export type EngineResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: EngineFailure };

/** One `/events` message (only the fields we read). */
export interface EngineEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Record<string, string> };
}

/** The client used by the catalog and the container actions. */
export interface EngineClient {
  readonly socketPath: string;
  getJson<T>(path: string, timeoutMs?: number): Promise<EngineResult<T>>;
  /** POST with no body; resolves with the status once the daemon answers. */
  post(path: string, timeoutMs: number): Promise<EngineResult<number>>;
  /** Streams `/events` (container events only); returns a function that closes the stream. */
  watchEvents(onEvent: (e: EngineEvent) => void, onClose: () => void): () => void;
}

const MAX_BODY = 8 * 1024 * 1024;

/** Maps a socket error to an {@link EngineFailure}. */
export function classifySocketError(socketPath: string, e: NodeJS.ErrnoException): EngineFailure {
  if (e.code === 'ENOENT') return { kind: 'no-socket', socketPath };
  if (e.code === 'EACCES' || e.code === 'EPERM') return { kind: 'denied', socketPath };
  return { kind: 'unreachable', socketPath, detail: e.code ?? e.message };
}

function readBody(res: IncomingMessage, onTooBig: () => void): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) onTooBig();
    });
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}

function httpFailure(status: number, body: string): EngineFailure {
  let message = body.slice(0, 500);
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message.slice(0, 500);
  } catch {
    // not JSON: keep the text
  }
  return { kind: 'http', status, message };
}

/** Creates a client for one unix socket. */
export function createEngineClient(socketPath: string): EngineClient {
  const call = (
    method: 'GET' | 'POST',
    path: string,
    timeoutMs: number,
  ): Promise<EngineResult<{ status: number; body: string }>> =>
    new Promise((resolve) => {
      let settled = false;
      const done = (r: EngineResult<{ status: number; body: string }>): void => {
        if (!settled) {
          settled = true;
          resolve(r);
        }
      };
      const req = request({ socketPath, path, method, timeout: timeoutMs }, (res) => {
        void readBody(res, () => req.destroy()).then((body) =>
          done({ ok: true, value: { status: res.statusCode ?? 0, body } }),
        );
      });
      req.on('timeout', () => {
        done({
          ok: false,
          failure: { kind: 'unreachable', socketPath, detail: `no answer in ${timeoutMs} ms` },
        });
        req.destroy();
      });
      req.on('error', (e: NodeJS.ErrnoException) =>
        done({ ok: false, failure: classifySocketError(socketPath, e) }),
      );
      req.end();
    });

  return {
    socketPath,
    async getJson<T>(path: string, timeoutMs = 2000): Promise<EngineResult<T>> {
      const r = await call('GET', path, timeoutMs);
      if (!r.ok) return r;
      if (r.value.status !== 200) return { ok: false, failure: httpFailure(r.value.status, r.value.body) };
      try {
        return { ok: true, value: JSON.parse(r.value.body) as T };
      } catch {
        return {
          ok: false,
          failure: httpFailure(r.value.status, 'The engine sent a body that is not JSON.'),
        };
      }
    },
    async post(path: string, timeoutMs: number): Promise<EngineResult<number>> {
      const r = await call('POST', path, timeoutMs);
      if (!r.ok) return r;
      // 204 done, 304 already in that state (stopping a stopped container).
      if (r.value.status === 204 || r.value.status === 304 || r.value.status === 200) {
        return { ok: true, value: r.value.status };
      }
      return { ok: false, failure: httpFailure(r.value.status, r.value.body) };
    },
    watchEvents(onEvent, onClose) {
      const filters = encodeURIComponent(JSON.stringify({ type: ['container'] }));
      let closed = false;
      const finish = (): void => {
        if (!closed) {
          closed = true;
          onClose();
        }
      };
      const req = request({ socketPath, path: `/events?filters=${filters}`, method: 'GET' }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          finish();
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          // Newline-delimited JSON; a line longer than 1 MiB is not an event we understand.
          if (buffer.length > 1024 * 1024) buffer = '';
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) {
              try {
                onEvent(JSON.parse(line) as EngineEvent);
              } catch {
                // skip a malformed line
              }
            }
            nl = buffer.indexOf('\n');
          }
        });
        res.on('end', finish);
        res.on('error', finish);
      });
      req.on('error', finish);
      req.end();
      return () => {
        closed = true;
        req.destroy();
      };
    },
  };
}

/**
 * The sockets to try, in order: only `DOCKER_HOST` when it is `unix://…` (other schemes are not
 * followed: tcp:// would mean talking to a remote daemon); else rootful Docker, rootless Docker, rootful
 * and rootless Podman. Pure.
 */
export function engineSocketCandidates(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  const host = env['DOCKER_HOST'];
  // An explicit unix DOCKER_HOST is the only daemon the user means (as for the docker CLI).
  if (host?.startsWith('unix://')) return [host.slice('unix://'.length)];
  out.push('/var/run/docker.sock');
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime) out.push(`${runtime}/docker.sock`);
  out.push('/run/podman/podman.sock');
  if (runtime) out.push(`${runtime}/podman/podman.sock`);
  return [...new Set(out)];
}
