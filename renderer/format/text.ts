import { capText, cleanText as cleanUntrusted } from '../../app/model/clean-text.js';

/**
 * Untrusted strings (process names, command lines, HTTP titles, banners) reach the screen only
 * through these helpers and React text nodes, never as HTML. React escapes markup; these remove
 * what React does not: terminal escapes, controls, bidi overrides ("Trojan Source") and zero-width
 * characters, and cap the length. One cleaning function for every face: app/model/clean-text.ts.
 */

/** Longest "full value" the window shows (a details pane, a tooltip); cells are shorter. */
export const MAX_FULL_TEXT = 4096;

/** Cleans untrusted text for one line of the window; tabs and newlines become one space. */
export function cleanText(value: string | null | undefined): string {
  return cleanUntrusted(value, { max: MAX_FULL_TEXT });
}

/** Shortens a cleaned string to `max` characters with an ellipsis. */
export function truncate(value: string, max: number): string {
  return capText(value, Math.max(1, max));
}

/** `cleanText` then `truncate`: what a cell shows (the full cleaned value goes in a title). */
export function shortText(value: string | null | undefined, max: number): string {
  return truncate(cleanText(value), max);
}

/**
 * Splits a value for a middle ellipsis (`fe80::1…%eth0`): CSS can only cut the end of one box, so
 * the head shrinks with an ellipsis and the tail (up to 8 characters) always stays visible. The
 * end of an address is what tells two apart (`.0.1`, the zone `%eth0`).
 */
export function splitMiddle(value: string): readonly [head: string, tail: string] {
  const cut = value.length - Math.min(8, Math.floor(value.length / 2));
  return [value.slice(0, cut), value.slice(cut)];
}
