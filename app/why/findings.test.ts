import { describe, expect, it } from 'vitest';
import { listener, processOwner } from '../testing/fixtures.js';
import { findingsFor } from './findings.js';
import { stateMeaning } from './system-facts.js';
import type { WhyFacts } from './types.js';

// The engine is a pure function of measured facts; these cases are the states no test can make
// on demand (a zombie or exiting holder), plus the ordering rule.
function facts(over: Partial<WhyFacts>): WhyFacts {
  return {
    target: {
      input: '127.0.0.1:4000',
      host: '127.0.0.1',
      isName: false,
      port: 4000,
      scheme: null,
      path: '/',
    },
    resolved: null,
    resolveError: null,
    attempts: [{ address: '127.0.0.1', family: 4, result: 'accepted-silent', ms: 2000 }],
    listeners: [listener({ port: 4000, owner: processOwner({ pid: 77, name: 'worker' }) })],
    states: [],
    queues: null,
    firewall: null,
    story: null,
    range: { low: 32768, high: 60999, source: 'test' },
    historyNote: null,
    now: 0,
    ...over,
  };
}

describe('the findings engine', () => {
  it.each([
    ['Z', 'a zombie'],
    ['X', 'exiting'],
  ])('reports a holder in state %s as %s, first', (state, word) => {
    const f = findingsFor(facts({ states: [{ pid: 77, state, meaning: stateMeaning(state) }] }));
    expect(f[0]?.id).toBe('stopped-holder');
    expect(f[0]?.title).toContain(`The server is ${word}: worker (pid 77`);
  });

  it('orders findings by likelihood, resolution facts last', () => {
    const f = findingsFor(
      facts({
        resolved: [{ address: '127.0.0.1', family: 4 }],
        states: [{ pid: 77, state: 'T', meaning: 'stopped' }],
        queues: [{ address: '127.0.0.1', port: 4000, queued: 2, backlog: 1 }],
      }),
    );
    expect(f.map((x) => x.id)).toEqual(['stopped-holder', 'accept-queue-full', 'resolution']);
    for (let i = 1; i < f.length; i += 1)
      expect(f[i - 1]!.likelihood).toBeGreaterThanOrEqual(f[i]!.likelihood);
  });

  it('a listener owned by another user is never "nothing listens"', () => {
    const hidden = listener({
      port: 4000,
      owner: { kind: 'unknown', reason: 'permission', message: '', pid: null, uid: 0, user: 'root' },
    });
    const f = findingsFor(
      facts({
        listeners: [hidden],
        attempts: [{ address: '127.0.0.1', family: 4, result: 'refused', ms: 1 }],
      }),
    );
    expect(f.map((x) => x.id)).toContain('other-owner');
    expect(f.map((x) => x.id)).not.toContain('nothing-listening');
  });
});
