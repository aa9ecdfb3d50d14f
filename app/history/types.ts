import type { HistoryEvent } from '../model/diagnosis.js';

// The event shapes are isomorphic (the window shows them): they live in app/model.
export type { HistoryEvent, HistoryOwner, HistorySocket } from '../model/diagnosis.js';

/** Everything the store holds, oldest first, and which period it covers. */
export interface HistoryRead {
  readonly events: readonly HistoryEvent[];
  /** Listeners open at the start of the oldest kept segment (the rotation checkpoint). */
  readonly openAtStart: readonly HistoryEvent[];
  /** Epoch ms of the oldest thing remembered, or null when the history is empty. */
  readonly coversFrom: number | null;
  /**
   * True when the read began at a later segment than the oldest (port-read.ts reads only what a
   * question needs): openAtStart is then that segment's checkpoint, whose entries are copies of
   * records the log still holds, with their times.
   */
  readonly startsMidway?: boolean;
  /** Lines that could not be read (a torn last line after a crash); they are skipped. */
  readonly skippedLines: number;
}
