import { cleanText } from './clean-text.js';
import type { Listener } from './listener.js';
import type { Pin } from './settings.js';

/**
 * Pins and labels, one rule for every face (window, tray, CLI). Isomorphic: no Node imports.
 * A pin is a port the user cares about; it is listed first and, when nothing listens on it, as a
 * "down" row rather than not at all.
 */

/** Longest label kept (the contract's schema enforces the same limit). */
export const PIN_LABEL_LENGTH = 60;

/** A label as stored: one clean line, trimmed, capped; empty means no label. */
export function normalizeLabel(label: string | null | undefined): string | null {
  const clean = cleanText(label ?? '', { collapse: true }).trim();
  return clean === '' ? null : clean.slice(0, PIN_LABEL_LENGTH);
}

/** Pins `port` (or relabels it, keeping its place); `label` undefined keeps the current label. */
export function pinPort(pins: readonly Pin[], port: number, label?: string | null): Pin[] {
  const at = pins.findIndex((p) => p.port === port);
  if (at < 0) return [...pins, { port, label: normalizeLabel(label) }];
  const current = pins[at] as Pin;
  const next = { port, label: label === undefined ? current.label : normalizeLabel(label) };
  return pins.map((p, i) => (i === at ? next : p));
}

/** Removes the pin of `port` (a no-op when it is not pinned). */
export function unpinPort(pins: readonly Pin[], port: number): Pin[] {
  return pins.filter((p) => p.port !== port);
}

/** The pin of a port, if any. */
export function pinOf(pins: readonly Pin[], port: number): Pin | undefined {
  return pins.find((p) => p.port === port);
}

/** One pinned port as every face lists it: up with its listeners, or down. */
export interface PinnedPort {
  readonly pin: Pin;
  /** Listeners on the pinned port now, by port then protocol; empty when it is down. */
  readonly listeners: readonly Listener[];
}

/** Each pin with the listeners that hold its port now, in pin order. */
export function pinnedPorts(pins: readonly Pin[], listeners: readonly Listener[]): PinnedPort[] {
  return pins.map((pin) => ({
    pin,
    listeners: listeners
      .filter((l) => l.port === pin.port)
      .sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0)),
  }));
}

/** How a pin is named in one line: `:3000 Storefront API` or `:3000`. */
export function pinTitle(pin: Pin): string {
  const label = normalizeLabel(pin.label);
  return label === null ? `:${pin.port}` : `:${pin.port} ${label}`;
}
