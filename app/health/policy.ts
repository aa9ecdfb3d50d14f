import type { Health } from '../model/health.js';
import type { Listener, Owner } from '../model/listener.js';
import { probeHost } from './probe-address.js';

/** How long a probe listens after connecting before it says anything (nmap's "NULL probe"). */
export const DEFAULT_BANNER_MS = 300;

/**
 * The banner wait before HTTP to an owner that looks like a web server (or a web port). A
 * server-first daemon speaks the moment it accepts: on this machine that is well under a
 * millisecond, tens under heavy load. The full {@link DEFAULT_BANNER_MS} stays where HTTP goes to
 * an owner nothing vouches for (`check PORT`) and where the banner is all a probe learns.
 */
export const WEB_BANNER_MS = 20;

/**
 * One stage of a probe. Stages run in order on one connection and stop at the first conclusive
 * answer: anything a server says first ends the probe (a server that speaks first is not HTTP,
 * Redis or PostgreSQL, so nothing is sent to it).
 */
export type ProbeStep =
  /** Open a TCP connection to the exact bound address and time it. */
  | { readonly kind: 'connect' }
  /** Wait `ms` for a server-first banner (SSH, SMTP, FTP, MySQL…) before sending anything. */
  | { readonly kind: 'listen'; readonly ms: number }
  /**
   * `GET /` over HTTP, or HTTPS when the server speaks TLS (`tlsFirst`: try TLS before plain text).
   * `tlsAfterClose`: when the plain request is met by a close without a byte, try TLS once on a new
   * connection. Only for owners that are web servers by name or command line: an HTTPS server
   * (Node, Vite --https…) hangs up on plain text exactly like that. Anything else that hangs up
   * has said no, and gets nothing more (issue 9, item 4).
   */
  | { readonly kind: 'http'; readonly tlsFirst: boolean; readonly tlsAfterClose: boolean }
  /** Redis: the inline command `PING\r\n` only (RESP), never HTTP. */
  | { readonly kind: 'redis-ping' }
  /** PostgreSQL: the 8-byte SSLRequest only; the server answers one byte, `S` or `N`. */
  | { readonly kind: 'postgres-ssl-request' };

/** What {@link choosePlan} decided for one listener. */
export interface ProbePlan {
  /** The IP literal to connect to, or null when the listener is not probed. */
  readonly host: string | null;
  readonly port: number;
  /** Empty when nothing is probed; the listener's health is then `unknown` with `reason`. */
  readonly steps: readonly ProbeStep[];
  /** Why this plan, in one sentence (shown by `harbormaster check` and in tooltips). */
  readonly reason: string;
}

/** Inputs to {@link choosePlan} besides the listener. */
export interface PlanOptions {
  /**
   * The user named this one listener (`check PORT`, the window's check button, `open`): HTTP is
   * then allowed, after a silent banner wait, on any port that is not never-HTTP. False for every
   * bulk or background probe (`list --health`, the monitor, the tray): HTTP only to web-looking
   * owners and web ports. One policy for every face (docs/SECURITY.md#probe-policy).
   */
  readonly onRequest: boolean;
  /** The listener's last result: a previous HTTPS answer makes the HTTP step try TLS first. */
  readonly previous?: Health;
  /** Harbormaster's own pid: its ports are never probed automatically. */
  readonly selfPid?: number;
  /**
   * Banner window in ms (default {@link DEFAULT_BANNER_MS}); before HTTP to a web-looking owner or
   * a web port, at most {@link WEB_BANNER_MS}.
   */
  readonly bannerMs?: number;
}

// Owners that serve HTTP by their executable name alone (comm is at most 15 characters on Linux).
const WEB_NAME =
  /^(node|nodejs|bun|deno|nginx|openresty|caddy|httpd|apache2?|lighttpd|h2o|traefik|uvicorn|gunicorn|hypercorn|daphne|waitress-serve|puma|unicorn|thin|rails|php|php\d[\d.]*|hugo|jekyll|vite|next-server.*|esbuild|webpack|http-server|live-server|browser-sync|code-server|streamlit|mkdocs|grafana|grafana-server|prometheus|ollama|miniserve|serve|iisexpress|kestrel)$/;
// Interpreters and runtimes (python, ruby, java, dotnet, beam…) serve HTTP only when the command
// line says so.
const WEB_COMMAND =
  /(-m\s+http\.server|SimpleHTTPServer|\buvicorn\b|\bgunicorn\b|\bhypercorn\b|\bdaphne\b|\bflask\b|manage\.py\s+runserver|\bfastapi\b|\bjupyter|\bstreamlit\b|\bmkdocs\b|\bhttp-server\b|\bwebpack\b|\bvite\b|\bnext\b|\bnuxt\b|\bastro\b|\bremix\b|\bsvelte-kit\b|\brails\s+s(erver)?\b|\bpuma\b|\brackup\b|\bjekyll\b|\bspring|\btomcat|\bcatalina\b|\bjetty\b|\bquarkus\b|\bmicronaut\b|\bundertow\b|\bjenkins\b|\bphx\.server\b|\bAspNetCore\b|\bkestrel\b)/i;
// Daemons that never speak HTTP wherever they listen: an HTTP request is noise at best, an "attack"
// in their log at worst (Redis: docs/SECURITY.md#probe-policy). Never HTTP, even on request.
const NON_HTTP_NAME =
  /^(beanstalkd|redis-server|redis-sentinel|valkey-server|keydb-server|postgres|postmaster|mysqld|mysqld_safe|mariadbd|mongod|mongos|memcached|sshd|dropbear|exim4?|smtpd|sendmail|dovecot|imap-login|pop3-login|cupsd|mosquitto|named|dnsmasq|unbound|avahi-daemon|systemd-resolve.*|chronyd|ntpd|rpcbind|rpc\..*|smbd|nmbd|xorg|x|xwayland|adb|php-fpm.*|epmd|slapd|vsftpd|proftpd|pure-ftpd)$/;
const NON_HTTP_COMMAND = /(\bkafka\.Kafka\b|\bzookeeper\b|\bcassandra\b|\bphp-fpm\b)/i;
const REDIS_NAME = /^(redis-server|redis-sentinel|valkey-server|keydb-server)$/;
const POSTGRES_NAME = /^(postgres|postmaster)$/;
const MYSQL_NAME = /^(mysqld|mariadbd|mysqld_safe)$/;
const REDIS_PORTS = new Set([6379, 26379]);
const POSTGRES_PORTS = new Set([5432]);
const MYSQL_PORTS = new Set([3306, 33060]);
const TLS_PORTS = new Set([443, 8443, 9443, 4443]);

function ownerName(owner: Owner): string {
  return owner.kind === 'process' ? owner.name.toLowerCase().replace(/\.exe$/, '') : '';
}

/** What the policy reads from a process owner: all of it a function of its name and command. */
interface OwnerFacts {
  readonly webServer: boolean;
  readonly nonHttp: boolean;
  readonly debuggerPorts: readonly number[];
}

/**
 * The owner facts, per distinct name and command line. A monitor plans every new listener, and
 * a process holds many (1000 listeners in bench:soak, 10 % new per poll): the command-line
 * regular expressions ran once per listener per plan (issue 14 item 4). A pure function of the
 * key, so a cached answer is the same answer; bounded, cleared when full.
 */
const factsCache = new Map<string, OwnerFacts>();
const FACTS_CACHE_MAX = 512;
/**
 * The same facts by owner object: a process's listeners share one owner object, and a plan asks
 * up to five times; hashing a long command line (a `node -e` script) for each ask was the
 * policy's whole cost in bench:soak.
 */
const factsByOwner = new WeakMap<Owner, OwnerFacts>();

function ownerFacts(owner: Owner & { kind: 'process' }): OwnerFacts {
  const known = factsByOwner.get(owner);
  if (known !== undefined) return known;
  const key = `${owner.name}\u0000${owner.command}`;
  let facts = factsCache.get(key);
  if (facts === undefined) {
    const name = ownerName(owner);
    const nonHttp = NON_HTTP_NAME.test(name) || NON_HTTP_COMMAND.test(owner.command);
    const ports: number[] = [];
    for (const m of owner.command.matchAll(/--inspect(?:-brk|-wait)?(?:=(?:[^\s:]*:)?(\d{1,5}))?(?=\s|$)/g)) {
      ports.push(m[1] === undefined ? 9229 : Number.parseInt(m[1], 10));
    }
    for (const m of owner.command.matchAll(/(?:--remote-debugging-port|--inspect-port)=(\d{1,5})\b/g)) {
      ports.push(Number.parseInt(m[1] ?? '', 10));
    }
    facts = {
      nonHttp,
      webServer: !nonHttp && (WEB_NAME.test(name) || WEB_COMMAND.test(owner.command)),
      debuggerPorts: ports,
    };
    if (factsCache.size >= FACTS_CACHE_MAX) factsCache.clear();
    factsCache.set(key, facts);
  }
  factsByOwner.set(owner, facts);
  return facts;
}

/**
 * True when a listener's owner looks like an HTTP server: a web server or dev server by name
 * (node, vite, nginx, caddy, uvicorn…) or an interpreter whose command line runs one
 * (`python -m http.server`, `java … spring`, `manage.py runserver`…).
 */
export function looksLikeWebServer(owner: Owner): boolean {
  return owner.kind === 'process' && ownerFacts(owner).webServer;
}

/** True when the owner is a daemon that never speaks HTTP (Redis, PostgreSQL, MySQL, sshd, …). */
export function looksLikeNonHttpDaemon(owner: Owner): boolean {
  return owner.kind === 'process' && ownerFacts(owner).nonHttp;
}

/**
 * The debugger port a process opened, if its command line asks for one: Node's `--inspect[=…]`
 * (default 9229) or `--inspect-port=N`, and Chromium's `--remote-debugging-port=N`. Fetching anything there is a data
 * leak, not a health check (docs/SECURITY.md#probe-policy).
 */
export function debuggerPorts(owner: Owner): number[] {
  return owner.kind === 'process' ? [...ownerFacts(owner).debuggerPorts] : [];
}

/**
 * Decides how to probe one listener, politely (docs/SECURITY.md#probe-policy):
 * UDP and printer ports are never touched; MySQL on a non-loopback address is not touched (bare
 * connects get the host blocked); Redis gets `PING` and PostgreSQL an SSLRequest; other never-HTTP
 * ports (by port or by owner) get connect + banner at most, even on request; HTTP is sent
 * automatically only when the owner looks like a web server (or the port is a web port), otherwise
 * only on request. Pure: same input, same plan.
 */
export function choosePlan(listener: Listener, options: PlanOptions): ProbePlan {
  const { port } = listener;
  const listen: ProbeStep = { kind: 'listen', ms: options.bannerMs ?? DEFAULT_BANNER_MS };
  const none = (reason: string): ProbePlan => ({ host: null, port, steps: [], reason });

  if (listener.protocol === 'udp') return none('UDP is not probed');
  const host = probeHost(listener.address, listener.family);
  if (host === null) return none(`The bind address ${listener.address} is not an IP address`);
  if (port >= 9100 && port <= 9107) {
    // nmap's first rule: `Exclude T:9100-9107`; JetDirect printers print whatever they receive.
    return none('Printer ports (9100–9107) are never probed: printers print what they receive');
  }
  const owner = listener.owner;
  const name = ownerName(owner);
  const serviceName = listener.service?.name;
  if ((MYSQL_PORTS.has(port) || MYSQL_NAME.test(name)) && listener.exposure === 'specific') {
    return none(
      'MySQL is not probed on a non-loopback address: repeated bare connects get the host blocked (max_connect_errors)',
    );
  }
  if (!options.onRequest && owner.kind === 'process' && options.selfPid === owner.pid) {
    return none('Harbormaster’s own port is not probed automatically');
  }
  const plan = (steps: ProbeStep[], reason: string): ProbePlan => ({ host, port, steps, reason });

  if (REDIS_NAME.test(name) || (REDIS_PORTS.has(port) && !looksLikeWebServer(owner))) {
    return plan([{ kind: 'connect' }, listen, { kind: 'redis-ping' }], 'Redis: PING only, never HTTP');
  }
  if (POSTGRES_NAME.test(name) || (POSTGRES_PORTS.has(port) && !looksLikeWebServer(owner))) {
    return plan(
      [{ kind: 'connect' }, listen, { kind: 'postgres-ssl-request' }],
      'PostgreSQL: SSLRequest only, never HTTP',
    );
  }
  if (listener.service?.neverHttp === true) {
    return plan(
      [{ kind: 'connect' }, listen],
      `Never-HTTP port (${serviceName ?? port}): connect and banner only`,
    );
  }
  if (looksLikeNonHttpDaemon(owner)) {
    return plan([{ kind: 'connect' }, listen], `${name} does not speak HTTP: connect and banner only`);
  }
  if (debuggerPorts(owner).includes(port)) {
    return plan([{ kind: 'connect' }], 'Debugger port: connect only, its endpoints are never fetched');
  }
  const previousHttps = options.previous?.state === 'up' && options.previous.kind === 'https';
  const http: ProbeStep = {
    kind: 'http',
    tlsFirst: previousHttps || TLS_PORTS.has(port) || (serviceName?.includes('HTTPS') ?? false),
    tlsAfterClose: looksLikeWebServer(owner),
  };
  // The owner or port vouches for HTTP: a short banner wait (still long enough for a server-first
  // daemon on this machine to speak) keeps bulk probing fast (issue 14).
  const glance: ProbeStep = { kind: 'listen', ms: Math.min(listen.ms, WEB_BANNER_MS) };
  if (looksLikeWebServer(owner)) {
    return plan([{ kind: 'connect' }, glance, http], `${name} looks like a web server: HTTP`);
  }
  if (listener.service?.category === 'web') {
    return plan([{ kind: 'connect' }, glance, http], `Web port (${serviceName ?? port}): HTTP`);
  }
  if (options.onRequest) {
    return plan([{ kind: 'connect' }, listen, http], 'Checked on request: HTTP after a silent banner wait');
  }
  return plan(
    [{ kind: 'connect' }, listen],
    'Connect and banner only: HTTP is sent on request, as the owner does not look like a web server',
  );
}
