import type { ListenerFate, OwnerSummary, RestartEvidence } from '../model/actions.js';
import type { Family, Listener, Owner, ProcessOwner, Protocol } from '../model/listener.js';

/**
 * The exact listener a user confirmed: protocol, family, bind address and port. Kill re-checks
 * that the process still holds this, not just "something on port P", right before each signal.
 */
export interface Endpoint {
  readonly protocol: Protocol;
  /** Null when the scanner could not tell (`tcp?|*|…`, see issue 17's "family unknown"). */
  readonly family: Family | null;
  readonly address: string;
  readonly port: number;
}

/** The endpoint of a listener. */
export function endpointOf(l: Endpoint): Endpoint {
  return { protocol: l.protocol, family: l.family, address: l.address, port: l.port };
}

/**
 * Reads the endpoint back out of a listener id (`tcp4|127.0.0.1|3000|<socket>`, built by the
 * snapshotter's `listenerId`), so a request for a socket that has since closed can still be
 * answered with who holds that address now. Null for anything that is not such an id.
 */
export function endpointOfId(id: string): Endpoint | null {
  const m = /^(tcp|udp)(4|6|\?)\|([^|]{1,100})\|([0-9]{1,5})\|[^|]*$/.exec(id);
  if (!m) return null;
  const port = Number(m[4]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  const family = m[2] === '?' ? null : (Number(m[2]) as Family);
  return { protocol: m[1] as Protocol, family, address: m[3] ?? '', port };
}

/** Same protocol, family, address and port. */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.protocol === b.protocol && a.family === b.family && a.address === b.address && a.port === b.port;
}

/** `tcp 127.0.0.1:3000`, `udp [::1]:5353`. */
export function describeEndpoint(e: Endpoint): string {
  return `${e.protocol} ${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
}

/** The process incarnation behind an owner: pid + start token. */
export function ownerKey(owner: Owner): string {
  return owner.kind === 'process' ? `${owner.pid}:${owner.startToken}` : `unknown:${owner.pid ?? '?'}`;
}

/**
 * Is this listener held by `owner`? The scan already credits a socket shared by a forked group
 * (nginx workers, gunicorn, node cluster) to its outermost holder, so the group counts as one.
 * An owner the resolver just saw vanish, listed under the same pid, is the same exiting process.
 */
export function heldByOwner(l: Listener, owner: ProcessOwner): boolean {
  return (
    ownerKey(l.owner) === ownerKey(owner) ||
    (l.owner.kind === 'unknown' && l.owner.reason === 'vanished' && l.owner.pid === owner.pid)
  );
}

/** A short owner description for reports. */
export function summary(owner: Owner): OwnerSummary | null {
  if (owner.kind === 'process') return { pid: owner.pid, name: owner.name, command: owner.command };
  return owner.pid !== null ? { pid: owner.pid, name: 'unknown', command: '' } : null;
}

/** `node (pid 42)`, or what we can say about an owner we cannot see. */
export function describeOwner(o: OwnerSummary | null): string {
  return o ? `${o.name} (pid ${o.pid})` : 'a process Harbormaster cannot see (needs admin)';
}

/** The holders of exactly this endpoint in a scan. */
export function holdersOf(listeners: readonly Listener[], e: Endpoint): Listener[] {
  return listeners.filter((l) => sameEndpoint(l, e));
}

/**
 * The sentence for "the process no longer holds what you confirmed", naming who does now:
 * "pid 4 no longer holds tcp 127.0.0.1:3000; it is now held by nc (pid 9)."
 */
export function noLongerHolds(pid: number, e: Endpoint, now: readonly Listener[]): string {
  const holders = holdersOf(now, e);
  const names = [...new Map(holders.map((l) => [ownerKey(l.owner), summary(l.owner)])).values()];
  const by =
    names.length === 0
      ? 'nothing listens there now'
      : `it is now held by ${names.map((o) => describeOwner(o)).join(', ')}`;
  return `pid ${pid} no longer holds ${describeEndpoint(e)}; ${by}.`;
}

/**
 * Each listener the process held, with its fate in the scan `now`: freed, still held by the
 * process, or re-bound by another process.
 */
export function listenerFates(
  held: readonly Endpoint[],
  now: readonly Listener[],
  owner: ProcessOwner,
): ListenerFate[] {
  return held.map((e) => {
    const holders = holdersOf(now, e);
    const ours = holders.find((l) => heldByOwner(l, owner));
    const other = holders.find((l) => !heldByOwner(l, owner));
    const base = endpointOf(e);
    if (ours) return { ...base, fate: 'still-held', heldBy: summary(owner) };
    if (other) return { ...base, fate: 'rebound', heldBy: summary(other.owner) };
    return { ...base, fate: 'freed', heldBy: null };
  });
}

/**
 * Parents that restart what they run, by name: service managers and process supervisors
 * (docs/SECURITY.md#kill-pipeline, step 7). Compared case-insensitively against the name, the executable's
 * basename and, for Node-based ones, the script in the command line.
 */
export const KNOWN_SUPERVISORS: readonly string[] = [
  'systemd',
  'launchd',
  'pm2',
  'nodemon',
  'supervisord',
  'runsv',
  'runsvdir',
  's6-supervise',
  'containerd-shim',
  'containerd-shim-runc-v1',
  'containerd-shim-runc-v2',
  'services',
];

/** What the pipeline knows about a parent process. */
export interface ParentFacts {
  readonly pid: number;
  readonly name: string;
  readonly exe: string | null;
  /** Full command line when known ("node /usr/lib/node_modules/pm2/bin/pm2 …"). */
  readonly command: string | null;
}

/** Is this parent a known supervisor by name, executable or (Node-based) script? */
export function isKnownSupervisor(parent: ParentFacts): boolean {
  const norm = (s: string): string =>
    (s.split(/[\\/]/).pop() ?? '')
      .replace(/\.(exe|js|cjs|mjs)$/i, '')
      .trim()
      .toLowerCase();
  const wanted = new Set(KNOWN_SUPERVISORS);
  const candidates = [parent.name, parent.exe ?? ''];
  // pm2's daemon titles itself "PM2 v5.3.0: God Daemon (…)"; nodemon and pm2 run under node.
  if (/^pm2\b/i.test(parent.name)) return true;
  for (const arg of (parent.command ?? '').split(/\s+/).slice(0, 3)) candidates.push(arg);
  return candidates.some((c) => c.length > 0 && wanted.has(norm(c)));
}

/**
 * Evidence that `fresh` is a restart of `old`, or null: its parent is a known supervisor, or the
 * same parent started the same executable with the same arguments again. Without evidence, the
 * new holder is just "a new process", never "probably a supervisor".
 */
export function restartEvidence(
  old: ProcessOwner,
  fresh: ProcessOwner,
  parent: ParentFacts | null,
): RestartEvidence | null {
  const ppid = fresh.ppid;
  if (ppid === null || ppid <= 0) return null;
  const name = parent?.pid === ppid ? parent.name : '';
  if (parent?.pid === ppid && isKnownSupervisor(parent)) {
    return { pid: ppid, name, evidence: 'known-supervisor' };
  }
  // An unreadable executable (another user's process) falls back to the process name.
  const program = (o: ProcessOwner): string => o.exe ?? `name:${o.name}`;
  if (
    old.ppid === ppid &&
    old.pid !== fresh.pid &&
    program(old) === program(fresh) &&
    old.command === fresh.command
  ) {
    return { pid: ppid, name, evidence: 'respawned' };
  }
  return null;
}
