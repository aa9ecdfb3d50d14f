import { describe, expect, it } from 'vitest';
import { HOSTILE_TEXTS, LONG_TEXT, unsafeCodePoints } from '../../app/testing/bad-input.js';
import { cleanText, MAX_FULL_TEXT, shortText, truncate } from './text.js';
import { formatUptime } from './time.js';

describe('cleanText', () => {
  it('strips ANSI escapes, control characters and bidi overrides', () => {
    expect(cleanText('\u001b[31mred\u001b[0m')).toBe('red');
    expect(cleanText('a\u0000b\u0007c')).toBe('abc');
    expect(cleanText('evil\u202egnp.exe')).toBe('evilgnp.exe');
    expect(cleanText('two\nlines\there')).toBe('two lines here');
  });
  it('leaves markup as plain text (rendering does the rest)', () => {
    expect(cleanText('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('truncate', () => {
  it('shortens with an ellipsis only when needed', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(shortText('\u001b[1mabcdef', 4)).toBe('abc…');
  });
});

describe('formatUptime', () => {
  it('says seconds, minutes, hours and days compactly', () => {
    expect(formatUptime(0, 42_000)).toBe('42s');
    expect(formatUptime(0, 5 * 60_000)).toBe('5m');
    expect(formatUptime(0, 3 * 3600_000 + 12 * 60_000)).toBe('3h 12m');
    expect(formatUptime(0, 4 * 86400_000 + 2 * 3600_000)).toBe('4d 2h');
    expect(formatUptime(null, 1)).toBe('');
  });
});

describe('the window’s text over the bad-input catalogue', () => {
  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t.slice(0, 32)), t]))(
    '%s shows no control, bidi or zero-width character, and is capped',
    (_label, text) => {
      expect(unsafeCodePoints(cleanText(text), false)).toEqual([]);
      expect(cleanText(text).length).toBeLessThanOrEqual(MAX_FULL_TEXT);
      expect(shortText(text, 40).length).toBeLessThanOrEqual(40);
    },
  );

  it('caps a 10 kB name', () => {
    expect(cleanText(LONG_TEXT)).toHaveLength(MAX_FULL_TEXT);
  });
});
