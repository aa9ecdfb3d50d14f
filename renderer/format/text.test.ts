import { describe, expect, it } from 'vitest';
import { cleanText, shortText, truncate } from './text.js';
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
