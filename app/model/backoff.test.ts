import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('starts at the base, doubles per attempt and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(500, n, 30_000))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('stays finite after any number of attempts and treats a negative attempt as the first', () => {
    expect(backoffDelay(1000, 10_000, 60_000)).toBe(60_000);
    expect(backoffDelay(1000, -3, 60_000)).toBe(1000);
  });
});
