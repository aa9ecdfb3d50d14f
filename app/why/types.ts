import type { ContainerSection } from '../model/container.js';
import type { Listener } from '../model/listener.js';
import type { PortStory } from '../history/query.js';
import type { Attempt, WhyTarget } from '../model/diagnosis.js';
import type { FirewallFacts } from './firewall.js';
import type { AcceptQueue, DynamicRange, ProcessState } from './system-facts.js';

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
  /** The snapshot's containers (engine client + catalog, app/containers), when an engine is present. */
  readonly containers?: ContainerSection | null;
  readonly now: number;
}

// The answer's shapes are isomorphic (the window shows them): they live in app/model.
export type { Diagnosis, Finding, FindingId } from '../model/diagnosis.js';
