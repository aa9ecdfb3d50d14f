import { describe, expect, it } from 'vitest';
import { summaryText } from './describe.js';

describe('summaryText: the header count says what is shown and why the rest is not', () => {
  it.each([
    [{ shown: 8, total: 8, hiddenOther: 0, hiddenSystem: 0 }, '8 listening'],
    [{ shown: 7, total: 8, hiddenOther: 1, hiddenSystem: 0 }, '7 shown · 1 hidden (other users)'],
    [
      { shown: 5, total: 9, hiddenOther: 1, hiddenSystem: 3 },
      '5 shown · 1 hidden (other users) · 3 hidden (system)',
    ],
    [{ shown: 2, total: 9, hiddenOther: 0, hiddenSystem: 3 }, '2 shown · 3 hidden (system) · 4 not matching'],
    [{ shown: 0, total: 4, hiddenOther: 0, hiddenSystem: 0 }, '0 shown · 4 not matching'],
  ])('%o → %s', (counts, text) => {
    expect(summaryText(counts)).toBe(text);
  });
});
