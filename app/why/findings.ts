import { sanitizeText } from '../health/text.js';
import type { HistoryOwner } from '../history/types.js';
import type { Listener } from '../model/listener.js';
import type { Attempt } from './ask-http.js';
import { containerFindings } from './container-findings.js';
import type { Finding, WhyFacts } from './types.js';

/** Untrusted text (process names, commands, titles) as it may appear in a finding. */
const t = (text: string | null | undefined, max = 120): string => sanitizeText(text ?? '', max);

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function who(l: Listener): string {
  const o = l.owner;
  if (o.kind === 'process') return `${t(o.name, 40)} (pid ${o.pid}${o.user ? `, ${t(o.user, 32)}` : ''})`;
  const user = o.user ? ` of ${t(o.user, 32)}` : o.uid !== null ? ` of uid ${o.uid}` : '';
  return o.reason === 'other-namespace'
    ? `a process in another namespace or container${o.pid !== null ? ` (pid ${o.pid})` : ''}`
    : `a process${user} whose details are hidden (needs admin)`;
}

function rememberedName(o: HistoryOwner | null): string {
  if (o === null) return 'an unknown process';
  if (o.kind !== 'process') return `a hidden process${o.user ? ` of ${t(o.user, 32)}` : ''}`;
  const parts = [
    t(o.name, 40),
    o.project ? `project ${t(o.project, 40)}` : null,
    o.pid !== null ? `pid ${o.pid}` : null,
  ];
  return `${o.command ? `\`${t(o.command, 60)}\` ` : ''}(${parts.filter(Boolean).join(', ')})`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

function clock(at: number): string {
  return new Date(at).toTimeString().slice(0, 5);
}

function describeAttempt(a: Attempt, port: number): string {
  const where = endpoint(a.address, port);
  switch (a.result) {
    case 'refused':
      return `${where}: refused (${a.ms} ms)`;
    case 'timed-out':
      return `${where}: timed out, the connection was never accepted (${a.ms} ms)`;
    case 'accepted-silent':
      return `${where}: accepted, then silent${a.detail ? ` (${t(a.detail, 60)})` : ''} (${a.ms} ms)`;
    case 'answered': {
      const what =
        a.status !== undefined
          ? `HTTP ${a.status}${a.title ? ` "${t(a.title, 60)}"` : ''}`
          : a.detail
            ? t(a.detail, 60)
            : 'connected';
      return `${where}: answered${a.speaks ? ` in ${a.speaks === 'other' ? 'another protocol' : a.speaks.toUpperCase()}` : ''} — ${what} (${a.ms} ms)`;
    }
    case 'error':
      return `${where}: failed (${t(a.detail ?? 'error', 40)})`;
  }
}

/** Which listeners would accept a connection to `address` (exact bind or same-family wildcard). */
export function acceptsAt(l: Listener, address: string, family: 4 | 6): boolean {
  if (l.protocol !== 'tcp' || l.family !== family) return false;
  return l.address === address || l.exposure === 'all-interfaces';
}

type Producer = (f: WhyFacts, tcp: readonly Listener[]) => Finding | null | readonly Finding[];

const nothingListening: Producer = (f, tcp) => {
  if (tcp.length > 0 || f.listeners.some((l) => l.protocol === 'udp')) return null;
  if (f.attempts.some((a) => a.result !== 'refused' && a.result !== 'error')) return null;
  return {
    id: 'nothing-listening',
    likelihood: 90,
    title: `Nothing listens on port ${f.target.port}`,
    evidence: [
      `a fresh scan lists no TCP or UDP listener on port ${f.target.port}`,
      ...f.attempts.map((a) => describeAttempt(a, f.target.port)),
    ],
    meaning: 'The server is not running, or it runs on another port.',
    fix: [
      'Start the server, or use the port it really listens on (see the port history: harbormaster history).',
    ],
  };
};

/**
 * The Node ≥ 17 trap proper: the name resolves to both families, the first address fails and a
 * later one works. Clients that try every address (curl, browsers, Node with autoSelectFamily)
 * connect; clients that use only the first one do not.
 */
const firstAddressFails: Producer = (f, tcp) => {
  const [head, ...rest] = f.attempts;
  if (!f.resolved || !head || head.result === 'answered') return null;
  const works = rest.find((a) => a.result === 'answered');
  if (!works || works.family === head.family) return null;
  const bound = tcp.map((l) => endpoint(l.address, l.port)).join(', ');
  return {
    id: 'family-mismatch',
    likelihood: 75,
    title: `Some clients fail: ${f.target.host} resolves to ${head.address} first, and the server listens on ${bound || works.address} only`,
    evidence: [
      `${f.target.host} resolves to ${f.resolved.map((r) => r.address).join(', ')} here, in that order`,
      ...f.attempts.map((a) => describeAttempt(a, f.target.port)),
    ],
    meaning:
      'Clients that use only the first address (Node ≥ 17 resolves in the OS order and, without autoSelectFamily, tries only it; many older tools) fail; clients that try every address (curl, browsers) connect.',
    fix: [
      `Connect to ${endpoint(works.address, f.target.port)} instead of ${f.target.host}`,
      'or make the server listen on both families (bind `::` with dual-stack, or both 127.0.0.1 and ::1)',
    ],
  };
};

const familyMismatch: Producer = (f, tcp) => {
  const tried = new Set(f.attempts.map((a) => a.family));
  if (tcp.length === 0 || tried.size === 0) return null;
  if (f.attempts.some((a) => tcp.some((l) => acceptsAt(l, a.address, a.family)))) return null;
  const other = tcp.filter((l) => l.family !== null && !tried.has(l.family) && l.exposure !== 'specific');
  if (other.length === 0) return null;
  const fam = (n: number) => (n === 6 ? 'IPv6' : 'IPv4');
  const bound = other.map((l) => endpoint(l.address, l.port)).join(', ');
  const alt = other[0]?.family === 6 ? `[::1]:${f.target.port}` : `127.0.0.1:${f.target.port}`;
  const resolved = f.resolved
    ? `${f.target.host} resolves to ${f.resolved.map((r) => r.address).join(', ')} here`
    : `you asked ${f.target.host}`;
  return {
    id: 'family-mismatch',
    likelihood: 88,
    title: `Family mismatch: the server listens on ${fam(other[0]?.family ?? 4)} only (${bound}); ${f.target.isName ? `${f.target.host} gave` : 'you asked'} ${[...tried].map(fam).join(' and ')}`,
    evidence: [
      `listening: ${bound} (${other.map(who).join(', ')})`,
      resolved,
      ...f.attempts.map((a) => describeAttempt(a, f.target.port)),
    ],
    meaning:
      'Clients that connect to the other family never reach it. The classic case: Node ≥ 17 uses the first address `localhost` resolves to (often ::1) instead of preferring 127.0.0.1, while many servers bind 127.0.0.1 only — or the reverse.',
    fix: [
      `Connect to ${alt} instead`,
      `or make the server listen on both families (bind \`::\` with dual-stack, or both 127.0.0.1 and ::1)`,
    ],
  };
};

const wrongAddress: Producer = (f, tcp) => {
  if (tcp.length === 0) return null;
  if (f.attempts.some((a) => tcp.some((l) => acceptsAt(l, a.address, a.family)))) return null;
  const tried = new Set(f.attempts.map((a) => a.family));
  const specific = tcp.filter((l) => (l.family !== null && tried.has(l.family)) || l.exposure === 'specific');
  if (specific.length === 0) return null;
  const bound = specific.map((l) => endpoint(l.address, l.port)).join(', ');
  return {
    id: 'wrong-address',
    likelihood: 86,
    title: `Wrong address: the server listens only on ${bound}, not on ${f.attempts.map((a) => a.address).join(' / ') || f.target.host}`,
    evidence: [
      `listening: ${bound} (${specific.map(who).join(', ')})`,
      ...f.attempts.map((a) => describeAttempt(a, f.target.port)),
    ],
    meaning: 'A socket bound to one address accepts connections to that address only.',
    fix: [
      `Connect to ${endpoint(specific[0]?.address ?? '', f.target.port)}`,
      'or bind the server to 0.0.0.0 / :: (all addresses) or to 127.0.0.1 (this machine only)',
    ],
  };
};

const wrongProtocol: Producer = (f, tcp) => {
  const udp = f.listeners.filter((l) => l.protocol === 'udp');
  if (tcp.length > 0 || udp.length === 0) return null;
  return {
    id: 'wrong-protocol',
    likelihood: 89,
    title: `Wrong protocol: only UDP listens on port ${f.target.port}; your client uses TCP`,
    evidence: [
      `UDP: ${udp.map((l) => `${endpoint(l.address, l.port)} ${who(l)}`).join(', ')}`,
      'no TCP listener on this port',
    ],
    meaning: 'TCP and UDP ports are separate: a UDP server never accepts a TCP connection (and the reverse).',
    fix: ['Use a UDP client for this service (e.g. `nc -u`), or start the TCP server you meant'],
  };
};

const stoppedHolder: Producer = (f, tcp) => {
  const out: Finding[] = [];
  for (const s of f.states) {
    if (s.meaning === 'running' || s.meaning === 'disk-wait') continue;
    const l = tcp.find((x) => x.owner.pid === s.pid) ?? f.listeners.find((x) => x.owner.pid === s.pid);
    const name = l ? who(l) : `pid ${s.pid}`;
    const fix =
      s.meaning === 'stopped'
        ? [`kill -CONT ${s.pid}`, 'or bring it back in its terminal with `fg`']
        : ['Wait for it to finish exiting, or restart the server; its parent must reap a zombie'];
    out.push({
      id: 'stopped-holder',
      likelihood: 96,
      title: `The server is ${s.meaning === 'stopped' ? 'stopped' : s.meaning === 'zombie' ? 'a zombie' : 'exiting'}: ${name} holds the port but cannot answer`,
      evidence: [
        `process ${s.pid} state ${s.state} (${s.meaning})`,
        ...f.attempts.map((a) => describeAttempt(a, f.target.port)),
      ],
      meaning:
        s.meaning === 'stopped'
          ? 'A stopped process (Ctrl+Z or SIGSTOP) keeps its socket: the kernel accepts connections into the queue, and nobody answers them.'
          : 'The process is going away; its socket accepts nothing useful.',
      fix,
    });
  }
  return out;
};

const acceptQueueFull: Producer = (f, tcp) => {
  const full = (f.queues ?? []).filter((q) => q.backlog > 0 && q.queued >= q.backlog);
  if (full.length === 0) return null;
  const holders = tcp.filter((l) => full.some((q) => q.address === l.address));
  return {
    id: 'accept-queue-full',
    likelihood: 93,
    title: `The accept queue is full: ${holders.map(who).join(', ') || 'the listener'} is not accepting connections`,
    evidence: full.map(
      (q) =>
        `${endpoint(q.address, q.port)}: ${q.queued} connections waiting, backlog ${q.backlog} (sock_diag via ss)`,
    ),
    meaning:
      'The server stopped calling accept() (busy, deadlocked or blocked): new connections wait in the kernel and then time out.',
    fix: [
      'Look at what the server is doing (its logs, a stack dump); restart it if it is stuck',
      'a larger backlog (listen(…, N)) only helps with short bursts',
    ],
  };
};

const firewall: Producer = (f) => {
  const failed =
    f.attempts.length > 0 && f.attempts.every((a) => a.result === 'refused' || a.result === 'timed-out');
  if (!f.firewall || !failed) return null;
  if (f.firewall.status === 'unreadable') {
    return {
      id: 'firewall-unreadable',
      likelihood: 15,
      title: 'firewall rules not readable (needs admin)',
      evidence: ['nft list ruleset: permission denied'],
      meaning: 'A firewall rule could be dropping or rejecting this traffic; it was not checked.',
      fix: ['sudo harbormaster why ' + f.target.input.replace(/[^\w.:/[\]-]/g, '')],
    };
  }
  if (f.firewall.status !== 'read' || f.firewall.rules.length === 0) return null;
  const rules = f.firewall.rules;
  const first = rules[0];
  return {
    id: 'firewall',
    likelihood: rules.some((r) => r.handle !== null) ? 92 : 60,
    title: `A firewall rule ${first?.verdict === 'reject' ? 'rejects' : 'drops'} it: table ${first?.family} ${t(first?.table)}, chain ${t(first?.chain)}`,
    evidence: rules
      .map(
        (r) =>
          `nft: table ${r.family} ${t(r.table)} chain ${t(r.chain)}${r.handle !== null ? ` handle ${r.handle}` : ''}: ${t(r.text, 200)}`,
      )
      .concat(f.attempts.map((a) => describeAttempt(a, f.target.port))),
    meaning:
      first?.verdict === 'reject'
        ? 'The firewall answers for the server with a refusal.'
        : 'The firewall silently discards the packets, so connections time out.',
    fix: rules
      .filter((r) => r.handle !== null)
      .map(
        (r) =>
          `sudo nft delete rule ${r.family} ${t(r.table)} ${t(r.chain)} handle ${r.handle} (or add an accept rule before it)`,
      ),
  };
};

const scheme: Producer = (f) => {
  const a = f.attempts.find((x) => x.speaks !== undefined);
  if (!a || f.target.scheme === null) return null;
  const other = a.speaks === 'https' ? 'https' : a.speaks === 'http' ? 'http' : null;
  const url = other
    ? `${other}://${f.target.isName ? f.target.host : endpoint(a.address, f.target.port).replace(/:\d+$/, '')}:${f.target.port}${f.target.path}`
    : null;
  return {
    id: 'scheme-mismatch',
    likelihood: 94,
    title:
      other === 'https'
        ? `Scheme mismatch: the server speaks TLS (https) and the URL says http://`
        : other === 'http'
          ? `Scheme mismatch: the server speaks plain HTTP and the URL says https://`
          : `The server does not speak ${f.target.scheme.toUpperCase()}`,
    evidence: [describeAttempt(a, f.target.port)],
    meaning:
      'The connection works; the two ends disagree on the protocol, so the request is dropped or garbled.',
    fix: url ? [`Use ${t(url, 200)}`] : ['Use the client this service expects'],
  };
};

const httpStatus: Producer = (f) => {
  const a = f.attempts.find(
    (x) => x.result === 'answered' && x.status !== undefined && x.speaks === undefined,
  );
  if (!a || a.status === undefined || a.status < 400) return null;
  return {
    id: 'http-error-status',
    likelihood: 50,
    title: `Reachable, but ${f.target.path} answers HTTP ${a.status}${a.title ? ` "${t(a.title, 60)}"` : ''}`,
    evidence: [describeAttempt(a, f.target.port)],
    meaning:
      a.status >= 500
        ? 'The server runs and failed on this request: see its log.'
        : 'The server runs; this path is not what it serves (or needs authorization).',
    fix: [
      a.status >= 500
        ? "Check the server's log for the error"
        : 'Check the path and the routes the server defines',
    ],
  };
};

const otherOwner: Producer = (f) => {
  const hidden = f.listeners.filter((l) => l.owner.kind === 'unknown');
  if (hidden.length === 0) return null;
  const ns = hidden.some((l) => l.owner.kind === 'unknown' && l.owner.reason === 'other-namespace');
  return {
    id: 'other-owner',
    likelihood: 70,
    title: `Port ${f.target.port} is held by ${hidden.map(who)[0]} — not free`,
    evidence: hidden.map(
      (l) => `${l.protocol}${l.family === 6 ? '6' : ''} ${endpoint(l.address, l.port)}: ${who(l)}`,
    ),
    meaning: ns
      ? 'The socket is in this network namespace but its process is not visible from here (another container or PID namespace).'
      : "Another user's process holds it; its name and command are hidden from you.",
    fix: ns
      ? ['Look inside the container or namespace that runs it']
      : [`sudo harbormaster who ${f.target.port}`],
  };
};

const history: Producer = (f, tcp) => {
  const s = f.story;
  if (!s) return null;
  const evidence: string[] = [];
  if (s.lastHolder) {
    evidence.push(
      `${rememberedName(s.lastHolder.owner)} held it until ${clock(s.lastHolder.until)}, ${ago(f.now - s.lastHolder.until)}`,
    );
  }
  if (s.flaps > 0)
    evidence.push(
      `${s.flaps} appearance${s.flaps === 1 ? '' : 's'}/disappearance${s.flaps === 1 ? '' : 's'} in the last hour`,
    );
  for (const m of s.movedTo)
    evidence.push(
      `the same program now listens on port ${m.port}: ${endpoint(m.listener.address, m.port)} ${who(m.listener)}`,
    );
  if (evidence.length === 0 || (tcp.length > 0 && !s.lastHolder)) return null;
  const moved = s.movedTo[0];
  return {
    id: 'history',
    likelihood: tcp.length > 0 ? 20 : moved ? 91 : 60,
    title: moved
      ? `It moved: the program that held port ${s.port} now listens on port ${moved.port}`
      : `History: ${evidence[0]}`,
    evidence,
    meaning: moved
      ? 'The server restarted on another port (a dynamic or auto-incremented port).'
      : tcp.length > 0
        ? 'What held this port before the current holder.'
        : 'Something held this port before; it is gone now.',
    fix: moved
      ? [
          `Connect to ${f.target.isName ? f.target.host : endpoint(moved.listener.address, 0).replace(/:0$/, '')}:${moved.port}`,
        ]
      : tcp.length > 0
        ? []
        : ['Start that program again'],
  };
};

const dynamicRange: Producer = (f, tcp) => {
  const { low, high, source } = f.range;
  const p = f.target.port;
  if (p < low || p > high || tcp.length > 0) return null;
  const moved = f.story?.movedTo ?? [];
  return {
    id: 'dynamic-range',
    likelihood: 45,
    title: `Port ${p} is in the dynamic range ${low}–${high}: such numbers are usually picked at random per run`,
    evidence: [
      `range from ${source}`,
      ...moved.map((m) => `the program that last held it now listens on ${m.port}`),
    ],
    meaning:
      'Test runners, language servers, debuggers and dev servers started with --port 0 get a new number each run, so a remembered number goes stale.',
    fix: [
      moved.length > 0
        ? `Use port ${moved.map((m) => m.port).join(' or ')}`
        : 'Look up the port the program prints when it starts (or `harbormaster list`)',
      'or give the server a fixed port outside this range',
    ],
  };
};

const resolution: Producer = (f) => {
  if (f.resolved === null) return null;
  return {
    id: 'resolution',
    likelihood: 5,
    title: `${f.target.host} resolves to ${f.resolved.map((r) => r.address).join(', ') || 'nothing'} here${f.resolved.length > 1 ? ', in that order' : ''}`,
    evidence: f.resolveError ? [f.resolveError] : f.attempts.map((a) => describeAttempt(a, f.target.port)),
    meaning:
      'Clients try these addresses in this order; many (Node ≥ 17 without autoSelectFamily, older tools) use only the first.',
    fix: [],
  };
};

/**
 * The finding producers, each a pure function of the facts. Container findings (issue
 * "containers") are added here as another producer once the container facts exist.
 */
export const PRODUCERS: readonly Producer[] = [
  stoppedHolder,
  acceptQueueFull,
  scheme,
  firewall,
  nothingListening,
  wrongProtocol,
  firstAddressFails,
  familyMismatch,
  wrongAddress,
  otherOwner,
  httpStatus,
  history,
  dynamicRange,
  resolution,
  containerFindings,
];

/** Runs every producer and orders the findings by likelihood. */
export function findingsFor(facts: WhyFacts): Finding[] {
  const tcp = facts.listeners.filter((l) => l.protocol === 'tcp');
  const out: Finding[] = [];
  for (const p of PRODUCERS) {
    const r = p(facts, tcp);
    if (r === null) continue;
    if (Array.isArray(r)) out.push(...(r as Finding[]));
    else out.push(r as Finding);
  }
  return out.sort((a, b) => b.likelihood - a.likelihood);
}

export { describeAttempt, endpoint };
