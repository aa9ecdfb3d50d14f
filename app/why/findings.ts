// The "why" findings: each family of producers lives in its own file (findings-address, -process,
// -network, -history, container-findings); this file orders them and runs them.
import { acceptsAt, describeAttempt, endpoint, type Producer } from './findings-text.js';
import {
  familyMismatch,
  firstAddressFails,
  nothingListening,
  resolution,
  wrongAddress,
  wrongProtocol,
} from './findings-address.js';
import { dynamicRange, history } from './findings-history.js';
import { firewall, httpStatus, scheme } from './findings-network.js';
import { acceptQueueFull, otherOwner, stoppedHolder } from './findings-process.js';
import { containerFindings } from './container-findings.js';
import type { Finding, WhyFacts } from './types.js';

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

export { acceptsAt, describeAttempt, endpoint };
