// One in-flight counter for the health tests and `npm run bench:health` (both measure the ≤ 4
// probes-in-flight limit of the monitor).
import type { ProbeFn } from '../health/monitor.js';
import { probeListener, type ProbeTurn } from '../health/probe.js';

/**
 * The real probe, counting how many probes hold a turn (are in flight) at once. A probe that parks
 * its turn (waiting out a deadline politely) does not count until it takes a turn again.
 */
export function countingProbe(): { probe: ProbeFn; maxInFlight: () => number } {
  let active = 0;
  let max = 0;
  const enter = (): void => {
    active += 1;
    max = Math.max(max, active);
  };
  const probe: ProbeFn = async (listener, options) => {
    let holding = true;
    enter();
    const turn: ProbeTurn = {
      park() {
        if (holding) active -= 1;
        holding = false;
        options.turn.park();
      },
      async take() {
        await options.turn.take();
        if (!holding) enter();
        holding = true;
      },
    };
    try {
      return await probeListener(listener, { ...options, turn });
    } finally {
      if (holding) active -= 1;
    }
  };
  return { probe, maxInFlight: () => max };
}
