import { isIP } from '../../scan/ip-literal.js';
import { cleanText } from '../../model/clean-text.js';
import type { HmError } from '../../model/errors.js';
import type { Listener, ProcessOwner } from '../../model/listener.js';
import { parsePortQuery, type PortQuery } from '../../model/port.js';
import { canonicalAddress } from '../../scan/address.js';
import { formatEndpoint, jsonOut } from '../format.js';
import { parseArgs, type ArgsSpec, type ParsedArgs } from '../parse-args.js';
import type { CliContext } from '../types.js';

/**
 * Shared argument handling for the port commands (`kill`, `open`, `free`, `check`): one strict
 * port parser for every face, the exit-code convention, and holder selection.
 */

/** Exit code for bad input (a port or pid out of range, an unknown option, a missing --yes). */
export const EXIT_USAGE = 2;
/** Exit code when nothing listens on the port, or a safety check refused the action. */
export const EXIT_REFUSED = 3;

/** A parsed `<command> <port> [options]` line. */
export interface PortCommandArgs {
  readonly query: PortQuery;
  readonly flags: ReadonlySet<string>;
  readonly options: ReadonlyMap<string, string>;
  readonly json: boolean;
}

/** Prints an error: as `{"error": …}` on stdout with --json (scripts read one stream), else on stderr. */
export function printError(ctx: CliContext, json: boolean, error: HmError | string, usage?: string): void {
  const e: HmError = typeof error === 'string' ? { code: 'INVALID_REQUEST', message: error } : error;
  if (json) {
    ctx.stdout(jsonOut({ error: e }));
    return;
  }
  // Core messages may name an owner (untrusted): cleaned, their own line breaks kept.
  const lines = [cleanText(e.message, { newlines: true, max: 2000 })];
  if (e.hint) lines.push(cleanText(e.hint, { newlines: true, max: 2000 }));
  if (e.command) lines.push(`  ${cleanText(e.command, { max: 500 })}`);
  if (usage) lines.push('', usage);
  ctx.stderr(`${lines.join('\n')}\n`);
}

/**
 * The opening of a command whose errors follow `--json` (why, history): parse, then check how many
 * positionals it got; on a mistake print it (JSON or text with usage) and return null.
 */
export function parseJsonCommand(
  ctx: CliContext,
  args: readonly string[],
  spec: ArgsSpec,
  usage: string,
  positionals: { readonly min: number; readonly max: number; readonly message: string },
): { readonly parsed: ParsedArgs; readonly json: boolean } | null {
  const parsed = parseArgs(args, spec);
  const json = args.includes('--json');
  const error = !parsed.ok
    ? parsed.error
    : parsed.positionals.length < positionals.min || parsed.positionals.length > positionals.max
      ? positionals.message
      : null;
  if (error === null && parsed.ok) return { parsed, json };
  printError(ctx, json, error ?? 'Invalid arguments.', usage);
  return null;
}

/**
 * Parses `<port>` (1–65535; `:3000`, `localhost:3000`, `127.0.0.1:3000`, `[::1]:3000` also work)
 * and the declared flags/options. The host part must be an IP literal or `localhost` — it is
 * only matched against bind addresses, never resolved. Returns the exit code on bad input.
 */
export function parsePortCommand(
  name: string,
  args: readonly string[],
  ctx: CliContext,
  usage: string,
  spec: { flags?: readonly string[]; options?: readonly string[] } = {},
): PortCommandArgs | number {
  const parsed = parseArgs(args, { flags: ['json', ...(spec.flags ?? [])], options: spec.options ?? [] });
  const json = args.includes('--json');
  if (!parsed.ok) {
    printError(ctx, json, parsed.error, usage);
    return EXIT_USAGE;
  }
  if (parsed.positionals.length !== 1) {
    printError(ctx, json, `${name} needs exactly one port (1–65535).`, usage);
    return EXIT_USAGE;
  }
  const query = parsePortQuery(parsed.positionals[0] ?? '');
  if (!query.ok) {
    printError(ctx, json, query.error);
    return EXIT_USAGE;
  }
  const host = query.value.host;
  if (host !== null && host !== 'localhost' && isIP(host.split('%')[0] ?? '') === 0) {
    printError(
      ctx,
      json,
      `${JSON.stringify(host.slice(0, 100))} is not an IP address: use a port, localhost:PORT or IP:PORT.`,
    );
    return EXIT_USAGE;
  }
  return { query: query.value, flags: parsed.flags, options: parsed.options, json: parsed.flags.has('json') };
}

/**
 * The listeners a port query names: every protocol/family/address on that port; with a host,
 * those bound to exactly that address or to the same family's wildcard (which also answers it);
 * `localhost` matches loopback and wildcard binds.
 */
export function listenersFor(listeners: readonly Listener[], query: PortQuery): Listener[] {
  const onPort = listeners.filter((l) => l.port === query.port);
  if (query.host === null) return onPort;
  if (query.host === 'localhost') return onPort.filter((l) => l.exposure !== 'specific');
  const family = query.host.includes(':') ? 6 : 4;
  const wanted = canonicalAddress(query.host, family);
  return onPort.filter(
    // `*` of an unknown family may be either wildcard, so it answers both families' queries.
    (l) =>
      l.address === wanted || ((l.family === family || l.family === null) && l.exposure === 'all-interfaces'),
  );
}

/** One owning process and the listeners it holds on the port. */
export interface OwnerGroup {
  readonly owner: ProcessOwner;
  readonly listeners: readonly Listener[];
}

/** Groups listeners by owning process incarnation (pid + start token), in first-seen order. */
export function groupByOwner(listeners: readonly Listener[]): OwnerGroup[] {
  const groups = new Map<string, { owner: ProcessOwner; listeners: Listener[] }>();
  for (const l of listeners) {
    if (l.owner.kind !== 'process') continue;
    const key = `${l.owner.pid}:${l.owner.startToken}`;
    const g = groups.get(key);
    if (g) g.listeners.push(l);
    else groups.set(key, { owner: l.owner, listeners: [l] });
  }
  return [...groups.values()];
}

/** `tcp 127.0.0.1:3000`, `tcp6 [::1]:3000`. */
export function describeSocket(l: Listener): string {
  return `${l.protocol}${l.family === 6 ? '6' : l.family === null ? '?' : ''} ${formatEndpoint(l.address, l.port)}`;
}
