/* eslint-disable no-control-regex -- matching control characters is this module's purpose */
/**
 * The one cleaning function for untrusted text (process names, argv, cwd, user and host names,
 * titles, banners, container names) at every output: terminal, notification, tray label, dialog and
 * window. Isomorphic: no Node or DOM. docs/SECURITY.md#untrusted-text.
 */

/** Default cap, in UTF-16 code units, when the caller gives none. */
export const DEFAULT_TEXT_MAX = 200;

/** How a caller's layout lets the text look. */
export interface CleanTextOptions {
  /** Longest result, ellipsis included (default {@link DEFAULT_TEXT_MAX}; Infinity = no cap). */
  readonly max?: number;
  /** Keep line breaks (`\n`; `\r\n`, `\r`, U+2028/2029 become `\n`). Default false: one space. */
  readonly newlines?: boolean;
  /** Keep tabs. Default false: one space. */
  readonly tabs?: boolean;
  /** Collapse runs of spaces into one and trim the ends (one-line labels). Default false. */
  readonly collapse?: boolean;
}

// Terminal escape sequences removed whole, so `ESC[31mevil` shows `evil`, not `[31mevil`: CSI
// (ESC [ or U+009B, parameters, final byte), OSC/DCS/SOS/PM/APC strings (ESC ] P X ^ _ … BEL or
// ESC \), and two-byte ESC sequences. A lone C1 string opener is simply removed below.
const ESCAPES =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|\u001b[\]PX^_][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029\u000b\u000c\u0085]/g;
const TABS = /\t/g;
// C0 (then \t and \n are already dealt with), DEL, C1; bidi marks, embeddings, overrides and
// isolates (U+061C, U+200E/F, U+202A–E, U+2066–9, "Trojan Source"); zero-width and invisible
// characters (U+200B–D, U+2060–4, U+FEFF).
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// The same set, minus what a layout may keep, for the fast "anything to do?" check.
const NEEDS_WORK =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Caps `text` at `max` code units with an ellipsis, never splitting a surrogate pair. */
export function capText(text: string, max: number = DEFAULT_TEXT_MAX): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/**
 * Makes untrusted text safe to show: escape sequences, C0/C1 controls, DEL, bidi controls and
 * zero-width characters removed; line breaks and tabs kept only where `opts` allow (else one
 * space); length capped with an ellipsis. `null`/`undefined` become ''.
 */
export function cleanText(value: string | null | undefined, opts: CleanTextOptions = {}): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (NEEDS_WORK.test(s)) {
    s = s.replace(ESCAPES, '');
    s = s.replace(LINE_BREAKS, opts.newlines === true ? '\n' : ' ');
    if (opts.tabs !== true) s = s.replace(TABS, ' ');
    s = s.replace(UNSAFE, '');
  }
  if (opts.collapse === true) {
    s =
      opts.newlines === true
        ? s.replace(/[ \t\u00a0]+/g, ' ').replace(/ ?\n ?/g, '\n')
        : s.replace(/\s+/g, ' ');
    s = s.trim();
  }
  return capText(s, opts.max ?? DEFAULT_TEXT_MAX);
}

// What must never reach a terminal raw, even from text nobody cleaned: everything cleanText
// removes except `\n` and `\t`, plus U+2028/2029 (a line break to some terminals, none to others).
const NEVER_RAW =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * The last line of defence at a terminal writer: every code point {@link cleanText} would remove
 * (except `\n` and `\t`) is written as the six characters `\uXXXX` instead. Text that was already
 * cleaned passes unchanged; text someone forgot to clean shows visibly and harmlessly; and JSON
 * stays valid JSON with the same values, because inside a JSON string `\uXXXX` is that character
 * (JSON.stringify emits these code points only inside strings and already escapes C0).
 */
export function escapeForTerminal(text: string): string {
  return text.replace(NEVER_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Longest string value `--json` prints; longer ones are capped with an ellipsis. */
export const MAX_JSON_STRING = 4096;

/**
 * `JSON.stringify` for output that reaches a terminal or a pipe: every string value capped at
 * {@link MAX_JSON_STRING}, and every control, bidi and zero-width code point escaped as `\uXXXX`
 * (JSON escapes them, never drops them).
 */
export function toSafeJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'string' ? capText(v, MAX_JSON_STRING) : v),
    indent,
  );
  return escapeForTerminal(text ?? 'null');
}
