import { describe, expect, it } from 'vitest';
import { HOSTILE_TEXTS, LONG_TEXT, unsafeCodePoints } from '../testing/bad-input.js';
import { capText, cleanText, escapeForTerminal, MAX_JSON_STRING, toSafeJson } from './clean-text.js';

describe('cleanText', () => {
  it('removes terminal escape sequences whole, with their parameters', () => {
    expect(cleanText('\u001b[31mevil\u0007')).toBe('evil');
    expect(cleanText('\u001b]0;pwned title\u0007name')).toBe('name');
    expect(cleanText('\u001b]8;;http://evil.example/\u001b\\link\u001b]8;;\u001b\\')).toBe('link');
    expect(cleanText('a\u001b[2J\u001b[Hb')).toBe('ab');
    expect(cleanText('x\u009b31my')).toBe('xy');
  });

  it('removes C0, DEL, C1, bidi controls and zero-width characters', () => {
    expect(cleanText('nul\u0000byte\u007fdel')).toBe('nulbytedel');
    expect(cleanText('gpj.\u202eexe')).toBe('gpj.exe');
    expect(cleanText('\u2066isolate\u2069\u2067rtl\u2069\u2068fsi\u2069')).toBe('isolatertlfsi');
    expect(cleanText('lrm\u200erlm\u200falm\u061c')).toBe('lrmrlmalm');
    expect(cleanText('zero\u200bwidth\u200c\u200d\u2060\ufeff')).toBe('zerowidth');
    expect(cleanText('c1\u0085x\u009dy\u009c')).toBe('c1 xy');
  });

  it('keeps \\n and \\t only where the layout allows, else one space', () => {
    const text = 'line\nbreak\r\ncr\rtab\tls\u2028ps\u2029';
    expect(cleanText(text)).toBe('line break cr tab ls ps ');
    expect(cleanText(text, { newlines: true, tabs: true })).toBe('line\nbreak\ncr\ntab\tls\nps\n');
    expect(cleanText('  a \n\n b  ', { collapse: true })).toBe('a b');
  });

  it('caps the length with an ellipsis and never splits a surrogate pair', () => {
    expect(cleanText(LONG_TEXT)).toHaveLength(200);
    expect(cleanText(LONG_TEXT, { max: 40 })).toBe(`${'A'.repeat(39)}…`);
    expect(capText('ab😀cd', 4)).toBe('ab…');
    expect(cleanText('short', { max: Infinity })).toBe('short');
    expect(cleanText(null)).toBe('');
  });

  it('leaves ordinary text alone, international scripts and emoji included', () => {
    for (const s of [
      'node',
      'python3 -m http.server 8000',
      'שלום',
      'مرحبا',
      '日本語',
      'café ☕ 😀',
      '/home/ä/x y',
    ]) {
      expect(cleanText(s)).toBe(s);
    }
  });

  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t.slice(0, 40)), t]))(
    'catalogue %s: nothing unsafe survives, in one-line or multi-line layouts',
    (_label, text) => {
      expect(unsafeCodePoints(cleanText(text), false)).toEqual([]);
      expect(unsafeCodePoints(cleanText(text, { newlines: true, tabs: true, max: Infinity }))).toEqual([]);
      expect(cleanText(text).length).toBeLessThanOrEqual(200);
    },
  );
});

describe('escapeForTerminal and toSafeJson', () => {
  it('writes anything unsafe as a visible \\uXXXX, keeping \\n and \\t', () => {
    expect(escapeForTerminal('Stop \u001b[31mevil\u0007?\n\tok')).toBe('Stop \\u001b[31mevil\\u0007?\n\tok');
    expect(escapeForTerminal('gpj.\u202eexe \u0085 \u200b')).toBe('gpj.\\u202eexe \\u0085 \\u200b');
  });

  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t.slice(0, 40)), t]))(
    'JSON of %s is valid, escapes (never drops) controls, and caps the value',
    (_label, text) => {
      const json = toSafeJson({ name: text, argv: [text] }, 2);
      expect(unsafeCodePoints(json)).toEqual([]);
      const back = JSON.parse(json) as { name: string; argv: string[] };
      expect(back.name).toBe(capText(text, MAX_JSON_STRING));
      expect(back.argv[0]).toBe(back.name);
    },
  );
});
