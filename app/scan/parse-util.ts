import { canonicalAddress } from './address.js';
import { cleanText } from '../model/clean-text.js';
import type { Family, Protocol } from '../model/listener.js';
import type { RawListener } from './types.js';

/** What a text parser found: the listeners, and how many lines it could not read (never a crash). */
export interface ParsedListeners {
  readonly listeners: RawListener[];
  /** Lines or records that were garbage, truncated or of an unknown shape. */
  readonly skipped: number;
  /**
   * Set when the text held no table the parser recognises at all (an error message, text in an
   * unknown encoding, a header without its rows): the scan failed, whatever `listeners` says. It
   * is never set for a real, empty table, which is "nothing listening".
   */
  readonly unrecognized?: ParseFailure;
}

/** Why a tool's output could not be read as a table at all: a value, never an exception. */
export interface ParseFailure {
  readonly kind: 'no-table' | 'not-json';
  /** One human sentence, shown in the scan error. */
  readonly reason: string;
}

/** The result for output that held no recognisable table. */
export function unrecognized(kind: ParseFailure['kind'], reason: string, skipped = 0): ParsedListeners {
  return { listeners: [], skipped, unrecognized: { kind, reason } };
}

/** A short, printable sample of unreadable output for error messages (control characters shown as `?`). */
export function sampleOf(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point here
  const printable = first.replace(/[\u0000-\u001f\u007f-\u009f\uFFFD]/g, '?').trim();
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}

/** Longest process name we keep from tool output; anything longer is cut (names are display-only). */
export const MAX_NAME_LENGTH = 256;

/**
 * Makes a tool-printed process name safe to carry, with the one cleaner (cleanText): escape
 * sequences, controls and bidi characters removed so a hostile name cannot drive a terminal, and
 * very long names cut with an ellipsis. docs/SECURITY.md#untrusted-text.
 */
export function cleanName(name: string): string {
  return cleanText(name, { max: MAX_NAME_LENGTH });
}

/** Parses a decimal TCP/UDP port 1–65535 written with digits only; null otherwise. */
export function parsePortText(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number.parseInt(text, 10);
  return n >= 1 && n <= 65535 ? n : null;
}

/** Parses a positive decimal pid written with digits only; null otherwise. */
export function parsePidText(text: string): number | null {
  if (!/^\d{1,10}$/.test(text)) return null;
  const n = Number.parseInt(text, 10);
  return n >= 1 && n <= 0x7fffffff ? n : null;
}

/** An `address:port` endpoint split into its parts, before canonicalization. */
export interface SplitEndpoint {
  /** Address text without brackets and without the `%zone`/`%device` suffix (`*` stays `*`). */
  readonly host: string;
  /** The `%zone` or `%device` suffix without the `%`, or null. */
  readonly zone: string | null;
  /** True when the address was written in `[…]` (always IPv6 text). */
  readonly bracketed: boolean;
  readonly portText: string;
}

/**
 * Splits the endpoints tools print: `127.0.0.1:80`, `[::1]:80`, `[::1]%lo:80`, `*:80`,
 * `*%lo:80`, `0.0.0.0%lo:80`, `[fe80::1%12]:80`, and unbracketed `:::80` (old ss, netstat).
 */
export function splitEndpoint(text: string): SplitEndpoint | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const portText = text.slice(colon + 1);
  let hostPart = text.slice(0, colon);
  let zone: string | null = null;
  let bracketed = false;
  if (hostPart.startsWith('[')) {
    const close = hostPart.indexOf(']');
    if (close < 0) return null;
    const after = hostPart.slice(close + 1);
    if (after !== '' && !after.startsWith('%')) return null;
    if (after) zone = after.slice(1);
    hostPart = hostPart.slice(1, close);
    bracketed = true;
  }
  const pct = hostPart.indexOf('%');
  if (pct >= 0) {
    zone = hostPart.slice(pct + 1);
    hostPart = hostPart.slice(0, pct);
  }
  if (hostPart === '' || (zone !== null && !/^[\w.:@-]{1,64}$/.test(zone))) return null;
  return { host: hostPart, zone, bracketed, portText };
}

/**
 * Canonical bind address for an endpoint host of a known family. An IPv4 text on an IPv6 socket
 * (lsof and netstat print v4-mapped binds that way) becomes `::ffff:a.b.c.d`, as ss prints it. The
 * zone is kept only for link-local IPv6 (`fe80::1%eth0`, needed to reach it); a device binding
 * (`0.0.0.0%lo`, SO_BINDTODEVICE) is not part of the address, and procfs/netlink never show it.
 */
export function endpointAddress(host: string, zone: string | null, family: Family): string | null {
  if (family === 6 && /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    const v4 = canonicalAddress(host, 4);
    return v4 === null ? null : `::ffff:${v4}`;
  }
  const base = canonicalAddress(host, family);
  if (base === null) return null;
  if (family === 6 && zone !== null && /^fe[89ab][0-9a-f]:/i.test(base)) return `${base}%${zone}`;
  return base;
}

/**
 * The address of a socket whose family the tool did not say: `*` (the any-address of some
 * family), or IPv4 text. Null for anything else (IPv6 text always proves the family).
 */
export function unknownFamilyAddress(host: string): string | null {
  if (host === '*') return '*';
  return canonicalAddress(host, 4);
}

/** Builds a RawListener, filling the fields a backend does not report with null. */
export function rawListener(fields: {
  protocol: Protocol;
  /** Null: the family is unknown (the tool did not say, and guessing could show IPv6 as IPv4). */
  family: Family | null;
  address: string;
  port: number;
  pid?: number | null;
  processName?: string | null;
  socketId?: string | null;
  uid?: number | null;
}): RawListener {
  return {
    protocol: fields.protocol,
    family: fields.family,
    address: fields.address,
    port: fields.port,
    socketId: fields.socketId ?? null,
    uid: fields.uid ?? null,
    pid: fields.pid ?? null,
    processName: fields.processName ?? null,
  };
}

/** Drops exact repeats (same socket, same pid): lsof prints a socket once per fd that holds it. */
export function dedupeListeners(listeners: readonly RawListener[]): RawListener[] {
  const seen = new Set<string>();
  const out: RawListener[] = [];
  for (const l of listeners) {
    const key = [l.protocol, l.family, l.address, l.port, l.socketId ?? '', l.pid ?? ''].join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(l);
  }
  return out;
}
