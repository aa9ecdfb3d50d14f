// Over ~300 lines on purpose: one probe's protocol ladder (TLS sniff, HTTP head, banner, plain
// TCP) under one deadline and one turn; each rung hands the socket and the time left to the next.
import { monotonicMs } from '../watch/clock.js';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Health, HealthUp, ProbeSent, TlsInfo } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import { recogniseBanner } from './banner.js';
import { bodyText, looksLikeTls, parseHttpHead, readHttpBody } from './http-response.js';
import { choosePlan, type PlanOptions, type ProbePlan, type ProbeStep } from './policy.js';
import { hostPort } from './probe-address.js';
import { connectTcp, READ_CAP_BYTES, SocketReader } from './socket-reader.js';
import { extractTitle, sanitizeText } from './text.js';
import { tlsHandshake } from './tls-handshake.js';

/** Hard deadline for one whole probe of one listener (docs/SECURITY.md#probe-policy). */
export const PROBE_DEADLINE_MS = 2000;

/** The User-Agent every HTTP probe sends, so a server's log says who asked. */
export const PROBE_USER_AGENT = 'Harbormaster-probe/0.1';

/**
 * How long a probe may wait on a silent peer while holding one of the monitor's turns, in total
 * over the whole probe. A healthy local service answers well within it; a silent one then waits
 * out its deadline parked, so it does not keep four healthy probes waiting (issue 14).
 */
export const PROBE_PATIENCE_MS = 40;

/**
 * A probe's turn under a concurrency limit (the monitor's ≤ 4 probes in flight). A probe holds a
 * turn whenever it connects or sends; while it only waits on a silent peer it may park, giving the
 * turn to another probe, and takes one again before it connects or sends anything more.
 */
export interface ProbeTurn {
  /** Nothing to do but wait for the peer: let another probe have the turn. */
  park(): void;
  /** Resolves once this probe holds a turn (at once when it never parked). */
  take(): Promise<void>;
}

/** The turn of a probe run on its own: always held. */
const ALWAYS_TURN: ProbeTurn = { park: () => undefined, take: () => Promise.resolve() };

/** Options for {@link probeListener}. */
export interface ProbeOptions extends PlanOptions {
  /** Whole-probe deadline in ms (default {@link PROBE_DEADLINE_MS}). */
  readonly deadlineMs?: number;
  /** The turn under the caller's concurrency limit (default: always held). */
  readonly turn?: ProbeTurn;
}

/** Options for {@link runPlan}. */
export interface RunPlanOptions {
  readonly deadlineMs?: number;
  readonly turn?: ProbeTurn;
  /** Waiting on the peer longer than this, in total, parks the probe (default {@link PROBE_PATIENCE_MS}). */
  readonly patienceMs?: number;
}

/**
 * Probes one listener now, politely: chooses the plan ({@link choosePlan}) and runs it. Never
 * throws; every outcome is a `Health` value stamped with `checkedAt`.
 */
export function probeListener(listener: Listener, options: ProbeOptions): Promise<Health> {
  const { deadlineMs, turn, ...planOptions } = options;
  return runPlan(choosePlan(listener, planOptions), {
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    ...(turn === undefined ? {} : { turn }),
  });
}

/**
 * Runs a probe plan against its host:port within the deadline, closing every connection it opened
 * before returning. Never throws.
 */
export async function runPlan(plan: ProbePlan, options: RunPlanOptions = {}): Promise<Health> {
  if (plan.host === null || plan.steps.length === 0) return { state: 'unknown', reason: plan.reason };
  const deadlineMs = options.deadlineMs ?? PROBE_DEADLINE_MS;
  const ctx: Ctx = {
    host: plan.host,
    port: plan.port,
    startedAt: monotonicMs(),
    deadlineAt: monotonicMs() + deadlineMs,
    deadlineMs,
    streams: [],
    sent: [],
    turn: options.turn ?? ALWAYS_TURN,
    patienceLeftMs: options.patienceMs ?? PROBE_PATIENCE_MS,
    parked: false,
    over: false,
  };
  let guard: NodeJS.Timeout | undefined;
  // Belt and braces: every step honours the deadline itself, but nothing may outlive it by much.
  const overdue = new Promise<Health>((resolve) => {
    guard = setTimeout(() => {
      resolve({
        state: 'timeout',
        checkedAt: Date.now(),
        latencyMs: Math.round(monotonicMs() - ctx.startedAt),
        detail: `No answer within ${seconds(deadlineMs)}`,
      });
    }, deadlineMs + 150);
  });
  try {
    return withSent(await Promise.race([runSteps(plan.steps, ctx), overdue]), ctx.sent);
  } catch (e) {
    if (e instanceof Overdue) {
      return withSent(timeoutHealth(ctx, `No answer within ${seconds(deadlineMs)}`), ctx.sent);
    }
    return withSent(
      {
        state: 'error',
        checkedAt: Date.now(),
        code: 'PROBE_FAILED',
        message: sanitizeText(e instanceof Error ? e.message : String(e)),
      },
      ctx.sent,
    );
  } finally {
    ctx.over = true;
    clearTimeout(guard);
    for (const s of ctx.streams) s.destroy();
  }
}

/** Stamps what the probe wrote onto its result (a copy: the probe may still be winding down). */
function withSent(health: Health, sent: readonly ProbeSent[]): Health {
  if (health.state === 'up' || health.state === 'timeout' || health.state === 'error') {
    return { ...health, sent: [...sent] };
  }
  return health;
}

interface Ctx {
  readonly host: string;
  readonly port: number;
  readonly startedAt: number;
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  /** Every stream opened, destroyed when the probe ends. */
  readonly streams: Duplex[];
  /** What was written so far, in order (`check` says it; `open` reads it). */
  readonly sent: ProbeSent[];
  readonly turn: ProbeTurn;
  /** Waiting on the peer this much longer parks the probe. */
  patienceLeftMs: number;
  parked: boolean;
  /** The probe has returned (its deadline passed): nothing more may be connected or sent. */
  over: boolean;
}

/** Before connecting or sending: hold a turn (take one back if the probe parked). */
async function myTurn(ctx: Ctx): Promise<void> {
  if (ctx.parked) {
    await ctx.turn.take();
    ctx.parked = false;
  }
  if (ctx.over || monotonicMs() >= ctx.deadlineAt) throw new Overdue();
}

/** The deadline passed while a parked probe waited for its turn back. */
class Overdue extends Error {}

/**
 * Waits on the peer; once the probe's patience is used up it parks (gives its turn away) and
 * waits on, holding only its idle connection and sending nothing.
 */
async function onPeer<T>(ctx: Ctx, waiting: Promise<T>): Promise<T> {
  if (ctx.parked) return waiting;
  const started = monotonicMs();
  const timer = setTimeout(
    () => {
      if (ctx.over) return;
      ctx.parked = true;
      ctx.turn.park();
    },
    Math.max(0, ctx.patienceLeftMs),
  );
  try {
    return await waiting;
  } finally {
    clearTimeout(timer);
    ctx.patienceLeftMs -= monotonicMs() - started;
  }
}

interface Conn {
  readonly socket: Socket;
  readonly reader: SocketReader;
  readonly latencyMs: number;
}

// One formatter, made on first use: toLocaleString builds a new one per call (~ms each), and
// every silent listener's result is worded with it (a tenth of serve's CPU in the soak).
let secondsFormat: Intl.NumberFormat | null = null;

function seconds(ms: number): string {
  secondsFormat ??= new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
  return `${secondsFormat.format(ms / 1000)} s`;
}

function up(fields: Omit<HealthUp, 'state' | 'checkedAt'>): HealthUp {
  return { state: 'up', checkedAt: Date.now(), ...fields };
}

function elapsed(ctx: Ctx): number {
  return Math.round(monotonicMs() - ctx.startedAt);
}

/** A probe that ran out of time: how long it waited and what it was waiting for. */
function timeoutHealth(ctx: Ctx, detail: string): Health {
  return { state: 'timeout', checkedAt: Date.now(), latencyMs: elapsed(ctx), detail };
}

async function open(ctx: Ctx): Promise<Conn | Health> {
  if (monotonicMs() >= ctx.deadlineAt) {
    return timeoutHealth(ctx, `No answer within ${seconds(ctx.deadlineMs)}`);
  }
  await myTurn(ctx);
  const outcome = await onPeer(ctx, connectTcp(ctx.host, ctx.port, ctx.deadlineAt));
  switch (outcome.kind) {
    case 'connected':
      if (ctx.over) {
        // The probe already returned: this connection belongs to nobody.
        outcome.socket.destroy();
        throw new Overdue();
      }
      ctx.streams.push(outcome.socket);
      return {
        socket: outcome.socket,
        reader: new SocketReader(outcome.socket),
        latencyMs: outcome.latencyMs,
      };
    case 'refused':
      return { state: 'refused', checkedAt: Date.now(), latencyMs: outcome.latencyMs };
    case 'timeout':
      return {
        state: 'timeout',
        checkedAt: Date.now(),
        latencyMs: outcome.latencyMs,
        detail: `The connection was not accepted within ${seconds(ctx.deadlineMs)}`,
      };
    case 'error':
      return {
        state: 'error',
        checkedAt: Date.now(),
        code: 'PROBE_FAILED',
        message: sanitizeText(`Could not connect (${outcome.code}): ${outcome.message}`),
      };
  }
}

function isConn(value: Conn | Health): value is Conn {
  return 'socket' in value;
}

async function runSteps(steps: readonly ProbeStep[], ctx: Ctx): Promise<Health> {
  let conn: Conn | null = null;
  for (const step of steps) {
    if (step.kind === 'connect') {
      const opened = await open(ctx);
      if (!isConn(opened)) return opened;
      conn = opened;
      continue;
    }
    if (conn === null) {
      const opened = await open(ctx);
      if (!isConn(opened)) return opened;
      conn = opened;
    }
    switch (step.kind) {
      case 'listen': {
        const said = await listenForBanner(conn, step.ms, ctx);
        if (said) return said;
        break;
      }
      case 'http':
        return httpStep(conn, step, ctx);
      case 'redis-ping':
        return redisStep(conn, ctx);
      case 'postgres-ssl-request':
        return postgresStep(conn, ctx);
    }
  }
  if (conn === null) return { state: 'unknown', reason: 'Nothing to probe' };
  return up({ kind: 'tcp', latencyMs: conn.latencyMs });
}

/**
 * Waits `ms` for the server to speak first. Returns the result when it did (banner) or when it
 * closed at once; null when it stayed silent (the next step may then talk).
 */
async function listenForBanner(conn: Conn, ms: number, ctx: Ctx): Promise<Health | null> {
  const until = Math.min(monotonicMs() + ms, ctx.deadlineAt);
  const outcome = await onPeer(
    ctx,
    conn.reader.wait(() => false, until),
  );
  if (conn.reader.received > 0) {
    // It spoke: give the rest of its first line (or MySQL packet) a moment to arrive.
    await onPeer(ctx, conn.reader.wait(bannerComplete, Math.min(monotonicMs() + 150, ctx.deadlineAt)));
    const info = recogniseBanner(conn.reader.bytes(), ctx.port);
    return up({
      kind: 'banner',
      latencyMs: conn.latencyMs,
      banner: info.banner,
      ...(info.protocol !== undefined ? { protocol: info.protocol } : {}),
      ...(info.detail !== undefined ? { detail: info.detail } : {}),
    });
  }
  if (outcome === 'closed') {
    return up({
      kind: 'tcp',
      latencyMs: conn.latencyMs,
      detail: 'Accepted the connection and closed it without a word',
    });
  }
  return null;
}

function bannerComplete(bytes: Buffer): boolean {
  if (bytes.includes(0x0a) || bytes.length >= 1024) return true;
  // A MySQL greeting is a length-prefixed packet without a newline.
  const length = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8) | ((bytes[2] ?? 0) << 16);
  return bytes.length >= 4 && bytes[3] === 0 && bytes.length >= 4 + length;
}

// ---------------------------------------------------------------- HTTP / HTTPS

type Exchange =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: ReadonlyMap<string, string>;
      readonly body: Buffer;
      readonly complete: boolean;
      readonly capped: boolean;
      readonly latencyMs: number;
    }
  | { readonly kind: 'not-http'; readonly bytes: Buffer; readonly latencyMs: number }
  | { readonly kind: 'closed'; readonly error: string | null }
  | { readonly kind: 'timeout' };

// What TLS servers answer to plain HTTP: nginx, Go net/http, Apache httpd.
const PLAIN_TO_TLS =
  /plain HTTP request was sent to HTTPS port|HTTP request to an HTTPS server|speaking plain HTTP to an SSL/i;

function httpRequest(ctx: Ctx): string {
  // No cookies, no auth, no body; `Connection: close` so the server can hang up when done.
  return (
    'GET / HTTP/1.1\r\n' +
    `Host: ${hostPort(ctx.host, ctx.port)}\r\n` +
    `User-Agent: ${PROBE_USER_AGENT}\r\n` +
    'Accept: text/html,*/*;q=0.8\r\n' +
    'Accept-Encoding: identity\r\n' +
    'Connection: close\r\n\r\n'
  );
}

async function exchange(stream: Duplex, reader: SocketReader, ctx: Ctx): Promise<Exchange> {
  await myTurn(ctx);
  const sentAt = monotonicMs();
  ctx.sent.push('http-get');
  stream.write(httpRequest(ctx));
  const headOrGarbage = (b: Buffer): boolean =>
    parseHttpHead(b) !== null || (b.length >= 5 && b.subarray(0, 5).toString('latin1') !== 'HTTP/');
  const first = await onPeer(ctx, reader.wait(headOrGarbage, ctx.deadlineAt));
  const latencyMs = Math.round(monotonicMs() - sentAt);
  const bytes = reader.bytes();
  if (bytes.length === 0) {
    return first === 'time' ? { kind: 'timeout' } : { kind: 'closed', error: reader.error };
  }
  const head = parseHttpHead(bytes);
  if (head === null) {
    if (first === 'time' && bytes.length < 5) return { kind: 'timeout' };
    return { kind: 'not-http', bytes, latencyMs };
  }
  const done = (b: Buffer): boolean => {
    const h = parseHttpHead(b);
    return h !== null && h.bodyStart >= 0 && readHttpBody(b, h, false).complete;
  };
  await onPeer(ctx, reader.wait(done, ctx.deadlineAt));
  const all = reader.bytes();
  const finalHead = parseHttpHead(all) ?? head;
  const body = readHttpBody(all, finalHead, reader.closed);
  return {
    kind: 'response',
    status: finalHead.status,
    headers: finalHead.headers,
    body: body.body,
    complete: body.complete,
    capped: reader.capped,
    latencyMs,
  };
}

/**
 * True when a plain-HTTP answer says "this is TLS": TLS bytes, or a TLS server's complaint about
 * plain HTTP. A close without a single byte is not such a sign: retrying with a ClientHello would
 * send a second unasked-for message to a service that has already said no (issue 9, item 4).
 */
function suggestsTls(result: Exchange): boolean {
  if (result.kind === 'not-http') return looksLikeTls(result.bytes);
  if (result.kind === 'response' && result.status === 400) {
    return PLAIN_TO_TLS.test(result.body.toString('latin1'));
  }
  return false;
}

async function tryTls(
  socket: Socket,
  ctx: Ctx,
): Promise<{ result: Exchange; tls: TlsInfo } | { failed: string; timedOut: boolean }> {
  await myTurn(ctx);
  ctx.sent.push('tls-client-hello');
  const hs = await onPeer(ctx, tlsHandshake(socket, ctx.host, ctx.deadlineAt));
  if (!hs.ok) return { failed: hs.message, timedOut: hs.reason === 'timeout' };
  ctx.streams.push(hs.socket);
  const reader = new SocketReader(hs.socket, READ_CAP_BYTES);
  return { result: await exchange(hs.socket, reader, ctx), tls: hs.info };
}

async function httpStep(conn: Conn, step: Extract<ProbeStep, { kind: 'http' }>, ctx: Ctx): Promise<Health> {
  if (step.tlsFirst) {
    conn.reader.detach();
    const secure = await tryTls(conn.socket, ctx);
    if ('result' in secure) return describeExchange(secure.result, 'https', secure.tls, ctx);
    // Silent all along: no time is left for a plain-text try, and it would not answer that either.
    if (secure.timedOut) return describeExchange({ kind: 'timeout' }, 'https', undefined, ctx);
    // Not TLS after all: ask in plain text on a fresh connection.
    const again = await open(ctx);
    if (!isConn(again)) return again;
    return describeExchange(await exchange(again.socket, again.reader, ctx), 'http', undefined, ctx);
  }
  const plain = await exchange(conn.socket, conn.reader, ctx);
  const retryTls = suggestsTls(plain) || (plain.kind === 'closed' && step.tlsAfterClose);
  if (retryTls && monotonicMs() < ctx.deadlineAt) {
    const again = await open(ctx);
    if (isConn(again)) {
      again.reader.detach();
      const secure = await tryTls(again.socket, ctx);
      if ('result' in secure && secure.result.kind !== 'closed') {
        return describeExchange(secure.result, 'https', secure.tls, ctx);
      }
    }
  }
  return describeExchange(plain, 'http', undefined, ctx);
}

function describeExchange(
  result: Exchange,
  kind: 'http' | 'https',
  tls: TlsInfo | undefined,
  ctx: Ctx,
): Health {
  const tlsFields = tls ? { tls } : {};
  switch (result.kind) {
    case 'timeout':
      return timeoutHealth(
        ctx,
        `Accepted the connection but sent no ${kind.toUpperCase()} response within ${seconds(ctx.deadlineMs)}`,
      );
    case 'closed':
      return up({
        kind: 'tcp',
        latencyMs: elapsed(ctx),
        ...tlsFields,
        detail: `Accepted the connection but closed it without answering ${kind.toUpperCase()}${result.error ? ` (${result.error})` : ''}`,
      });
    case 'not-http': {
      const line = sanitizeText(result.bytes.toString('utf8').split(/\r?\n/, 1)[0] ?? '');
      return up({
        kind: 'tcp',
        latencyMs: result.latencyMs,
        ...tlsFields,
        ...(line ? { banner: line } : {}),
        detail: `Answered, but not with ${kind.toUpperCase()}`,
      });
    }
    case 'response':
      break;
  }
  const notes: string[] = [];
  const server = result.headers.get('server');
  const contentType = result.headers.get('content-type');
  const title = extractTitle(bodyText(result.body, contentType));
  let redirect: string | undefined;
  const location = result.headers.get('location');
  if (result.status >= 300 && result.status < 400 && location !== undefined) {
    const base = `${kind}://${hostPort(ctx.host, ctx.port)}/`;
    let target: URL | null = null;
    try {
      target = new URL(location, base);
    } catch {
      target = null;
    }
    redirect = sanitizeText(target ? target.href : location, 500);
    const sameOrigin = target !== null && target.origin === new URL(base).origin;
    // Reported, never followed (docs/SECURITY.md#probe-policy).
    notes.push(
      sameOrigin ? 'Redirects within this server (not followed)' : 'Redirects to another host (not followed)',
    );
  }
  if (tls?.selfSigned) notes.push(`TLS: ${tls.note ?? 'certificate not trusted'}`);
  if (result.capped) notes.push(`Read the first ${READ_CAP_BYTES / 1024} KB only: the response is larger`);
  else if (!result.complete) notes.push(`The response did not finish within ${seconds(ctx.deadlineMs)}`);
  if (result.status >= 500) notes.push(`Server error ${result.status}`);
  return up({
    kind,
    latencyMs: result.latencyMs,
    status: result.status,
    ...(server ? { server: sanitizeText(server, 100) } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(redirect !== undefined ? { redirect } : {}),
    ...tlsFields,
    ...(notes.length > 0 ? { detail: notes.join('; ') } : {}),
  });
}

// ---------------------------------------------------------------- Redis

async function redisStep(conn: Conn, ctx: Ctx): Promise<Health> {
  await myTurn(ctx);
  const sentAt = monotonicMs();
  // Inline command, RESP: https://redis.io/docs/latest/develop/reference/protocol-spec/#inline-commands
  ctx.sent.push('redis-ping');
  conn.socket.write('PING\r\n');
  const outcome = await onPeer(
    ctx,
    conn.reader.wait((b) => b.includes('\r\n'), ctx.deadlineAt),
  );
  const latencyMs = Math.round(monotonicMs() - sentAt);
  const bytes = conn.reader.bytes();
  if (bytes.length === 0) {
    if (outcome === 'time') {
      return timeoutHealth(
        ctx,
        `Accepted the connection but did not answer PING within ${seconds(ctx.deadlineMs)}`,
      );
    }
    return up({ kind: 'tcp', latencyMs, detail: 'Accepted the connection but closed it on PING' });
  }
  const line = bytes.toString('utf8').split('\r\n', 1)[0] ?? '';
  const text = sanitizeText(line);
  const redis = { kind: 'redis' as const, latencyMs, protocol: 'Redis' };
  if (line === '+PONG') return up(redis);
  if (line.startsWith('-NOAUTH')) return up({ ...redis, detail: 'Redis requires a password' });
  if (line.startsWith('-DENIED'))
    return up({ ...redis, detail: `Redis refuses this client: ${text.slice(1)}` });
  if (line.startsWith('-')) return up({ ...redis, detail: `Redis answered: ${text.slice(1)}` });
  if (/^[+:$*]/.test(line)) return up({ ...redis, detail: `Redis answered: ${text}` });
  return up({ kind: 'tcp', latencyMs, banner: text, detail: 'Answered PING, but not like Redis' });
}

// ---------------------------------------------------------------- PostgreSQL

// SSLRequest: Int32 length 8, Int32 code 80877103 (0x04D2162F).
// https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SSLREQUEST
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

async function postgresStep(conn: Conn, ctx: Ctx): Promise<Health> {
  await myTurn(ctx);
  const sentAt = monotonicMs();
  ctx.sent.push('postgres-ssl-request');
  conn.socket.write(SSL_REQUEST);
  const outcome = await onPeer(
    ctx,
    conn.reader.wait((b) => b.length >= 1, ctx.deadlineAt),
  );
  const latencyMs = Math.round(monotonicMs() - sentAt);
  const bytes = conn.reader.bytes();
  const pg = { kind: 'postgres' as const, latencyMs, protocol: 'PostgreSQL' };
  if (bytes.length === 0) {
    if (outcome === 'time') {
      return timeoutHealth(
        ctx,
        `Accepted the connection but did not answer the PostgreSQL SSLRequest within ${seconds(ctx.deadlineMs)}`,
      );
    }
    return up({ kind: 'tcp', latencyMs, detail: 'Accepted the connection but closed it on SSLRequest' });
  }
  if (bytes.length === 1 && bytes[0] === 0x4e /* N */) {
    // Closing now is silent: the server treats "no startup packet at all" as a monitor hanging up.
    return up({ ...pg, detail: 'PostgreSQL (SSL off)' });
  }
  if (bytes.length === 1 && bytes[0] === 0x53 /* S */) {
    // Hanging up mid-handshake makes the server log "could not accept SSL connection"; finish the
    // handshake and close with close_notify, which it treats as a silent hang-up.
    conn.reader.detach();
    await myTurn(ctx);
    ctx.sent.push('tls-client-hello');
    const hs = await onPeer(ctx, tlsHandshake(conn.socket, ctx.host, ctx.deadlineAt));
    if (!hs.ok) return up({ ...pg, detail: `PostgreSQL (accepts SSL; handshake failed: ${hs.message})` });
    ctx.streams.push(hs.socket);
    await closeGracefully(hs.socket, ctx.deadlineAt);
    return up({ ...pg, tls: hs.info, detail: 'PostgreSQL (accepts SSL)' });
  }
  if (bytes[0] === 0x45 /* E */) {
    const message = sanitizeText(bytes.subarray(1).toString('latin1').replace(/\0/g, ' '));
    return up({ ...pg, detail: `PostgreSQL error: ${message}` });
  }
  return up({
    kind: 'tcp',
    latencyMs,
    banner: sanitizeText(bytes.toString('latin1')),
    detail: 'Answered the PostgreSQL SSLRequest, but not like PostgreSQL',
  });
}

/** Ends a stream politely (TLS close_notify, then FIN) and waits for the peer, bounded. */
function closeGracefully(stream: Duplex, deadlineAt: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, Math.min(deadlineAt - monotonicMs(), 500)));
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.resume();
    stream.end();
  });
}
