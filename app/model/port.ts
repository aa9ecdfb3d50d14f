import { err, ok, type Result } from './errors.js';

/** Lowest valid TCP/UDP port. */
export const MIN_PORT = 1;
/** Highest valid TCP/UDP port. */
export const MAX_PORT = 65535;

const VALID_RANGE = `port must be ${MIN_PORT}–${MAX_PORT}`;
const PORT_PATTERN = /^[0-9]{1,6}$/;

/**
 * Parses a port strictly: a decimal integer 1–65535 with no sign, spaces, exponent, hex or
 * fraction. Never uses `Number()` coercion, so `"0x50"`, `"1e3"`, `" 80 "`, `""` and `"1.5"` are
 * errors. Accepts numbers only when they are safe integers in range.
 */
export function parsePort(input: unknown): Result<number> {
  if (typeof input === 'number') {
    if (Number.isInteger(input) && input >= MIN_PORT && input <= MAX_PORT) return ok(input);
    return err('INVALID_PORT', `${describe(input)} is not a valid port: ${VALID_RANGE}.`);
  }
  if (typeof input !== 'string') {
    return err('INVALID_PORT', `A port is required: ${VALID_RANGE}.`);
  }
  if (input.length === 0) return err('INVALID_PORT', `An empty port is not valid: ${VALID_RANGE}.`);
  if (!PORT_PATTERN.test(input)) {
    return err('INVALID_PORT', `${describe(input)} is not a valid port: ${VALID_RANGE} (digits only).`);
  }
  const value = Number.parseInt(input, 10);
  if (value < MIN_PORT || value > MAX_PORT) {
    return err('INVALID_PORT', `${describe(input)} is out of range: ${VALID_RANGE}.`);
  }
  if (input.length > 1 && input.startsWith('0')) {
    return err('INVALID_PORT', `${describe(input)} has leading zeros: ${VALID_RANGE}, written plainly.`);
  }
  return ok(value);
}

/** A port reference as a user types it: `3000`, `:3000`, `localhost:3000`, `[::1]:8080`, `127.0.0.1:80`. */
export interface PortQuery {
  readonly host: string | null;
  readonly port: number;
}

/**
 * Parses what a user types to name a port: a bare port, `:port`, `host:port` or `[v6]:port`.
 * The host part is only split off, never resolved. Errors name the valid range.
 */
export function parsePortQuery(input: string): Result<PortQuery> {
  const text = input;
  const bracketed = /^\[([0-9A-Fa-f:.%a-zA-Z0-9]*)\]:(.*)$/.exec(text);
  if (bracketed) {
    const port = parsePort(bracketed[2] ?? '');
    return port.ok ? ok({ host: bracketed[1] ?? '', port: port.value }) : port;
  }
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf(':') === lastColon) {
    const host = text.slice(0, lastColon);
    const port = parsePort(text.slice(lastColon + 1));
    return port.ok ? ok({ host: host.length > 0 ? host : null, port: port.value }) : port;
  }
  const port = parsePort(text);
  return port.ok ? ok({ host: null, port: port.value }) : port;
}

/** Parses a pid strictly: a decimal integer ≥ 1 with no sign, spaces or other characters. */
export function parsePid(input: unknown): Result<number> {
  const bad = (): Result<number> =>
    err('INVALID_PID', `${describe(input)} is not a valid process id (a whole number of 1 or more).`);
  if (typeof input === 'number') {
    return Number.isSafeInteger(input) && input >= 1 ? ok(input) : bad();
  }
  if (typeof input !== 'string' || !/^[1-9][0-9]{0,9}$/.test(input)) return bad();
  const value = Number.parseInt(input, 10);
  return Number.isSafeInteger(value) && value <= 4_294_967_295 ? ok(value) : bad();
}

function describe(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  return String(input);
}
