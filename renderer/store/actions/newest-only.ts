import type { Result } from '../../../app/model/errors.js';

/**
 * Keeps only the newest answer of a question the window may ask again before the core answers
 * (the lookup, `why`, a port's history): each question takes a ticket, and an answer is handed on
 * only while its ticket is still the newest and the store still lives. `null` means the answer
 * never arrived (the call rejected: connection lost).
 */
export function newestOnly(disposed: () => boolean): {
  next(): number;
  settle<T>(ticket: number, request: Promise<Result<T>>, onAnswer: (r: Result<T> | null) => void): void;
} {
  let seq = 0;
  return {
    next: () => ++seq,
    settle(ticket, request, onAnswer) {
      request.then(
        (r) => {
          if (!disposed() && ticket === seq) onAnswer(r);
        },
        () => {
          if (!disposed() && ticket === seq) onAnswer(null);
        },
      );
    },
  };
}
