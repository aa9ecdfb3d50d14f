import { monotonicMs } from '../watch/clock.js';
import { isIP } from 'node:net';
import { choosePlan } from '../health/policy.js';
import { runPlan } from '../health/probe.js';
import { sanitizeText } from '../health/text.js';
import { portStoryFromStore } from '../history/port-read.js';
import { defaultHistoryDir, openHistoryStore } from '../history/store.js';
import { HISTORY_OFF_NOTE } from '../model/diagnosis.js';
import type { ContainerInfo } from '../model/container.js';
import type { Health } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import type { SnapshotSource } from '../watch/types.js';
import { askHttp, hostHeaderFor, type Attempt } from './ask-http.js';
import { acceptsAt, findingsFor } from './findings.js';
import { readFirewall, type FirewallFacts } from './firewall.js';
import { readAcceptQueues, readDynamicRange, readProcessState, type ProcessState } from './system-facts.js';
import type { WhyTarget } from './target.js';
import type { Diagnosis, WhyFacts } from './types.js';

/** Default wait for a connection or an answer (`--timeout`). */
export const DEFAULT_WHY_TIMEOUT_MS = 2000;

/**
 * How long a bare-port check waits for a server that speaks first (SSH, SMTP…) before asking:
 * short, so an answer that needs no waiting stays within the 300 ms budget.
 */
const BANNER_MS = 60;

/** An attempt still running after this long is waiting: start the slower checks meanwhile. */
const SLOW_MS = 150;

/** How long to show a stopped holder's silence (its state already says it cannot answer). */
const STOPPED_WAIT_MS = 500;

/** What {@link diagnose} needs; everything but the snapshot source has a real default. */
export interface DiagnoseDeps {
  readonly source: SnapshotSource;
  readonly timeoutMs?: number;
  /** Port history folder; null: do not read history. */
  readonly historyDir?: string | null;
  readonly now?: () => number;
  /** Containers that are not running (the snapshot has running ones only); asked only on failure. */
  readonly readStoppedContainers?: () => Promise<readonly ContainerInfo[]>;
}

function attemptFromHealth(h: Health, address: string, family: 4 | 6, ms: number): Attempt {
  const base = { address, family, ms };
  switch (h.state) {
    case 'refused':
      return { ...base, result: 'refused' };
    case 'timeout':
      return /not accepted/i.test(h.detail ?? '')
        ? { ...base, result: 'timed-out' }
        : { ...base, result: 'accepted-silent' };
    case 'error':
      return { ...base, result: 'error', detail: h.message };
    case 'up': {
      const title = h.title ?? h.protocol ?? h.banner ?? h.detail;
      return {
        ...base,
        result: 'answered',
        ...(h.status !== undefined ? { status: h.status } : {}),
        ...(title !== undefined ? { [h.status !== undefined ? 'title' : 'detail']: title } : {}),
      };
    }
    default:
      return { ...base, result: 'answered', detail: 'connected' };
  }
}

/** Tries one address as the client would: HTTP(S) for a URL, else connect (and a polite probe). */
async function attempt(
  target: WhyTarget,
  address: string,
  family: 4 | 6,
  listeners: readonly Listener[],
  timeoutMs: number,
): Promise<Attempt> {
  const started = monotonicMs();
  const deadlineAt = started + timeoutMs;
  if (target.scheme !== null) {
    const hostHeader = hostHeaderFor(target.isName ? target.host : address, target.port);
    return askHttp(address, family, target.port, target.scheme, target.path, hostHeader, deadlineAt);
  }
  const holder = listeners.find((l) => acceptsAt(l, address, family));
  // The polite per-service plan (never HTTP to a database…), aimed at the address being tried.
  const chosen = holder ? choosePlan(holder, { onRequest: true, bannerMs: BANNER_MS }) : null;
  const steps = chosen && chosen.steps.length > 0 ? chosen.steps : [{ kind: 'connect' as const }];
  const plan = { host: address, port: target.port, steps, reason: chosen?.reason ?? 'connect only' };
  const health = await runPlan(plan, { deadlineMs: timeoutMs });
  return attemptFromHealth(health, address, family, Math.round(monotonicMs() - started));
}

async function resolve(
  host: string,
  timeoutMs: number,
): Promise<{ list: { address: string; family: 4 | 6 }[]; error: string | null }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const found = await Promise.race([
      process.getBuiltinModule('node:dns/promises').lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`resolving ${host} took over ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const list = found
      .filter((a) => a.family === 4 || a.family === 6)
      .map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    return { list: list.filter((a, i) => list.findIndex((b) => b.address === a.address) === i), error: null };
  } catch (e) {
    return { list: [], error: sanitizeText(e instanceof Error ? e.message : String(e)) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Answers "why can't I connect to TARGET?": resolves the host like a client, tries every address,
 * and gathers the facts (listeners on the port, their processes' states, accept queues, firewall
 * rules, the port's history, the dynamic range) for the findings engine. Independent checks run at
 * once, so the answer takes one timeout at most when something has to be waited for.
 */
export async function diagnose(target: WhyTarget, deps: DiagnoseDeps): Promise<Diagnosis> {
  const started = monotonicMs();
  const timeoutMs = deps.timeoutMs ?? DEFAULT_WHY_TIMEOUT_MS;
  const now = deps.now ?? Date.now;
  const port = target.port;
  const literal = isIP(target.host.split('%')[0] ?? '');
  const [resolution, snapshot] = await Promise.all([
    target.isName ? resolve(target.host, timeoutMs) : Promise.resolve(null),
    deps.source.refresh(),
  ]);
  const addresses = resolution
    ? resolution.list
    : [{ address: target.host, family: (literal === 6 ? 6 : 4) as 4 | 6 }];
  const listeners = snapshot.listeners.filter((l) => l.port === port);
  const pids = [...new Set(listeners.map((l) => l.owner.pid).filter((p): p is number => p !== null))];
  const states = pids.map((p) => readProcessState(p)).filter((s): s is ProcessState => s !== null);
  const first = addresses[0] ?? { address: '127.0.0.1', family: 4 as const };
  const tcpHeld = listeners.some((l) => l.protocol === 'tcp');
  // The slower checks (a tool each) explain failures only. They start when an attempt has not
  // finished within SLOW_MS (it is going to wait), so a quick answer spawns nothing and a timeout
  // case has them ready when the timeout ends.
  let queuesRead: Promise<WhyFacts['queues']> | null = null;
  let firewallRead: Promise<FirewallFacts> | null = null;
  const startQueues = () => (queuesRead ??= tcpHeld ? readAcceptQueues(port) : Promise.resolve(null));
  const startFirewall = () =>
    (firewallRead ??=
      process.platform === 'linux'
        ? readFirewall({ protocol: 'tcp', port, address: first.address, family: first.family })
        : Promise.resolve<FirewallFacts>({
            status: 'unavailable',
            message: 'Firewall rules are checked on Linux only.',
          }));
  const slow = setTimeout(() => {
    startQueues();
    startFirewall();
  }, SLOW_MS);
  // A stopped or dying holder cannot answer: the kernel still accepts for it, so a short wait
  // shows the silence without making the user wait the whole timeout for a known answer.
  const dead = states.some((st) => st.meaning !== 'running' && st.meaning !== 'disk-wait');
  const waitMs = dead ? Math.min(timeoutMs, STOPPED_WAIT_MS) : timeoutMs;
  const attempts = await Promise.all(
    addresses.map((a) => attempt(target, a.address, a.family, listeners, waitMs)),
  );
  clearTimeout(slow);
  const waited = attempts.some((a) => a.result === 'timed-out' || a.result === 'accepted-silent');
  const failed =
    attempts.length > 0 && attempts.every((a) => a.result === 'refused' || a.result === 'timed-out');
  const engine = snapshot.containers?.access === 'ok' ? snapshot.containers : null;
  const [queues, firewall, stopped] = await Promise.all([
    waited ? startQueues() : Promise.resolve(null),
    failed && (tcpHeld || attempts.some((a) => a.result === 'timed-out'))
      ? startFirewall()
      : Promise.resolve(null),
    failed && engine && deps.readStoppedContainers ? deps.readStoppedContainers() : Promise.resolve([]),
  ]);
  const running = new Set(engine?.containers.map((c) => c.id));
  const containers = engine
    ? { ...engine, containers: [...engine.containers, ...stopped.filter((c) => !running.has(c.id))] }
    : (snapshot.containers ?? null);
  let story: WhyFacts['story'] = null;
  let historyNote: string | null = null;
  const dir = deps.historyDir === undefined ? defaultHistoryDir() : deps.historyDir;
  if (dir === null) historyNote = HISTORY_OFF_NOTE;
  else {
    try {
      // Reads only the segments that name the port, newest first (not the whole 50 MB).
      story = portStoryFromStore(openHistoryStore({ dir }), port, snapshot.listeners, { now: now() });
    } catch (e) {
      historyNote = `The port history could not be read: ${sanitizeText(e instanceof Error ? e.message : String(e))}`;
    }
  }
  const facts: WhyFacts = {
    target,
    resolved: resolution ? resolution.list : null,
    resolveError: resolution?.error ?? null,
    attempts,
    listeners,
    states,
    queues,
    firewall,
    story,
    range: readDynamicRange(),
    historyNote,
    containers,
    now: now(),
  };
  const findings = findingsFor(facts);
  const blocked = findings.some(
    (f) => f.id === 'stopped-holder' || f.id === 'accept-queue-full' || f.id === 'scheme-mismatch',
  );
  const answered = attempts.find((a) => a.result === 'answered' && a.speaks === undefined);
  const reachable = answered !== undefined && !blocked;
  return {
    target,
    reachable,
    verdict: verdictFor(target, reachable, answered, findings[0]?.title),
    findings,
    resolved: facts.resolved,
    attempts,
    historyFrom: story?.coversFrom ?? null,
    historyNote,
    elapsedMs: Math.round(monotonicMs() - started),
  };
}

function verdictFor(
  target: WhyTarget,
  reachable: boolean,
  a: Attempt | undefined,
  top: string | undefined,
): string {
  const name = sanitizeText(target.input, 100);
  if (reachable && a) {
    const what =
      a.status !== undefined
        ? `HTTP ${a.status}${a.title ? ` "${sanitizeText(a.title, 60)}"` : ''}`
        : a.detail && a.detail !== 'connected'
          ? sanitizeText(a.detail, 60)
          : 'the connection is accepted';
    return `Reachable: ${name} answers (${what}) at ${a.address.includes(':') ? `[${a.address}]` : a.address}:${target.port}.`;
  }
  return `Not reachable: ${name} — ${top ?? 'no cause found'}.`;
}
