import type { Listener } from '../model/listener.js';
import type { PortStory } from '../history/query.js';
import type { Attempt } from './ask-http.js';
import type { FirewallFacts } from './firewall.js';
import type { AcceptQueue, DynamicRange, ProcessState } from './system-facts.js';
import type { WhyTarget } from './target.js';

/** Everything measured about a target, before any conclusion is drawn. */
export interface WhyFacts {
  readonly target: WhyTarget;
  /** What the host name resolved to, in the order a client gets it (null for an IP literal). */
  readonly resolved: readonly { readonly address: string; readonly family: 4 | 6 }[] | null;
  readonly resolveError: string | null;
  /** One attempt per address a client would try, in that order. */
  readonly attempts: readonly Attempt[];
  /** Every listener on the port now (TCP and UDP, every address), from a fresh scan. */
  readonly listeners: readonly Listener[];
  /** States of the processes holding the port. */
  readonly states: readonly ProcessState[];
  /** Accept queues of the TCP listeners on the port; null when they could not be read. */
  readonly queues: readonly AcceptQueue[] | null;
  readonly firewall: FirewallFacts | null;
  readonly story: PortStory | null;
  readonly range: DynamicRange;
  /** When the history could not be read: why. */
  readonly historyNote: string | null;
  readonly now: number;
}

/**
 * Stable ids of the findings. `container-*` are reserved for the containers issue: a finding
 * producer added to the engine's list is all it takes.
 */
export type FindingId =
  | 'nothing-listening'
  | 'family-mismatch'
  | 'wrong-address'
  | 'wrong-protocol'
  | 'stopped-holder'
  | 'accept-queue-full'
  | 'firewall'
  | 'firewall-unreadable'
  | 'scheme-mismatch'
  | 'http-error-status'
  | 'other-owner'
  | 'history'
  | 'dynamic-range'
  | 'resolution'
  | 'container-not-published'
  | 'container-loopback-only'
  | 'container-stopped';

/** One cause (or fact worth knowing), with what was measured, what it means, and what to do. */
export interface Finding {
  readonly id: FindingId;
  /** 0–100: how likely this explains the failure; findings are shown highest first. */
  readonly likelihood: number;
  readonly title: string;
  readonly evidence: readonly string[];
  readonly meaning: string;
  readonly fix: readonly string[];
}

/** The answer to "why can't I connect?". */
export interface Diagnosis {
  readonly target: WhyTarget;
  /** True when the target is reachable and answers as asked (exit code 0). */
  readonly reachable: boolean;
  /** One line: the answer. */
  readonly verdict: string;
  readonly findings: readonly Finding[];
  readonly resolved: WhyFacts['resolved'];
  readonly attempts: readonly WhyFacts['attempts'][number][];
  /** Which period the port history covers (epoch ms), or null when it is empty. */
  readonly historyFrom: number | null;
  readonly elapsedMs: number;
}
