/**
 * The bad-input catalogue (docs/SECURITY.md#bad-input) shared by every face's tests, so each
 * parser, command and API is tried on the same hostile values.
 */

/** Port texts every face must reject with "port must be 1–65535". */
export const BAD_PORT_TEXTS: readonly string[] = [
  '619009',
  '0',
  '65536',
  '-1',
  '1.5',
  '0x50',
  '1e3',
  ' 80 ',
  '',
  '080',
  '+80',
  '８０',
  '80a',
  '80abc',
  'NaN',
  'Infinity',
];

/** Port references as typed (`host:port`, `[v6]:port`) that must be rejected the same way. */
export const BAD_PORT_QUERIES: readonly string[] = [...BAD_PORT_TEXTS, 'localhost:619009', '[::1]:0'];

/** Non-string port values an API might receive. */
export const BAD_PORT_VALUES: readonly unknown[] = [0, -1, 1.5, 65536, Number.NaN, null];

/** A string of `n` visible characters, for length caps (the "10 kB string"). */
export const LONG_TEXT = 'A'.repeat(10 * 1024);

/**
 * Hostile text a process name, argv, cwd, title, banner or container name may carry: terminal
 * escapes (CSI colour, OSC 0 window title … BEL, cursor moves), NUL, DEL and C1 bytes, bidi
 * overrides and isolates ("Trojan Source"), zero-width characters, and a 10 kB string.
 */
export const HOSTILE_TEXTS: readonly string[] = [
  '\u001b[31mevil\u0007',
  '\u001b]0;pwned title\u0007name',
  '\u001b]8;;http://evil.example/\u001b\\link\u001b]8;;\u001b\\',
  'a\u001b[2J\u001b[Hb',
  'nul\u0000byte\u007fdel',
  'c1\u0085\u009b31mx\u009dtitle\u009c',
  'gpj.\u202eexe',
  '\u2066isolate\u2069\u2067rtl\u2069\u2068fsi\u2069',
  'lrm\u200erlm\u200falm\u061c',
  'zero\u200bwidth\u200c\u200d\u2060\ufeff',
  'line\nbreak\r\ncr\rtab\tls\u2028ps\u2029',
  LONG_TEXT,
];

/**
 * What must never reach a terminal, a notification, a tray label or a dialog: bytes 0x00–0x1F
 * other than \n and \t (with `allowNewlines` false, \n too), 0x7F, the C1 code points U+0080–U+009F,
 * bidi controls (U+061C, U+200E/F, U+202A–E, U+2066–9) and zero-width characters. Returns the
 * offending code points (empty when the text is safe).
 */
export function unsafeCodePoints(text: string, allowNewlines = true): string[] {
  const bad =
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;
  return [...text.matchAll(bad)]
    .map((m) => m[0])
    .filter((c) => !(allowNewlines && c === '\n'))
    .map((c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
