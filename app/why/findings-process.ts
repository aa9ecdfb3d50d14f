// Findings about the process holding the port: stopped, not accepting, someone else's
// (split from findings.ts; the order of PRODUCERS is kept there).
import { endpoint, who, describeAttempt, type Producer } from './findings-text.js';
import type { Finding } from './types.js';

export const stoppedHolder: Producer = (f, tcp) => {
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

export const acceptQueueFull: Producer = (f, tcp) => {
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

export const otherOwner: Producer = (f) => {
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
