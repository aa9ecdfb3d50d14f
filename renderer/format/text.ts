/* eslint-disable no-control-regex -- matching control characters is this module's purpose. */
/**
 * Untrusted strings (process names, command lines, HTTP titles, banners) reach the screen only
 * through these helpers and React text nodes, never as HTML. See SECURITY.md "Bad input".
 */

// ANSI/VT escape sequences (CSI … final byte, OSC … BEL/ST) that a banner or argv may carry.
const ANSI_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// C0/C1 controls, zero-width characters and bidi overrides, which can disguise what a name says
// ("Trojan Source", CVE-2021-42574).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const WHITESPACE_CONTROL = /[\t\n\r]+/g;

// One scan for "anything to clean?": most names are plain, and this runs per row per render.
const NEEDS_CLEANING = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** Removes escape sequences and control characters; tabs and newlines become one space. */
export function cleanText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (!NEEDS_CLEANING.test(value)) return value;
  return value.replace(ANSI_SEQUENCE, '').replace(WHITESPACE_CONTROL, ' ').replace(CONTROL, '');
}

/** Shortens a cleaned string to `max` characters with an ellipsis. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, Math.max(1, max - 1))}…`;
}

/** `cleanText` then `truncate`: what a cell shows (the full cleaned value goes in a title). */
export function shortText(value: string | null | undefined, max: number): string {
  return truncate(cleanText(value), max);
}
