// Findings about where the client knocks: nothing there, the wrong address, family or protocol,
// a name that resolves badly (split from findings.ts; the order of PRODUCERS is kept there).
import { endpoint, who, describeAttempt, acceptsAt, type Producer } from './findings-text.js';

export const nothingListening: Producer = (f, tcp) => {
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
export const firstAddressFails: Producer = (f, tcp) => {
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

export const familyMismatch: Producer = (f, tcp) => {
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

export const wrongAddress: Producer = (f, tcp) => {
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

export const wrongProtocol: Producer = (f, tcp) => {
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

export const resolution: Producer = (f) => {
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
