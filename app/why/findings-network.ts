// Findings from what the connection met: a firewall or namespace, the wrong scheme, an HTTP error
// (split from findings.ts; the order of PRODUCERS is kept there).
import { t, endpoint, describeAttempt, type Producer } from './findings-text.js';

export const firewall: Producer = (f) => {
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

export const scheme: Producer = (f) => {
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

export const httpStatus: Producer = (f) => {
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
