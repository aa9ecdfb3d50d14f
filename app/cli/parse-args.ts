import { parseArgs as parseArgv } from 'node:util';

/** Parsed command-line arguments: boolean flags, valued options, positionals. */
export interface ParsedArgs {
  readonly ok: true;
  readonly flags: ReadonlySet<string>;
  readonly options: ReadonlyMap<string, string>;
  readonly positionals: readonly string[];
}

export type ArgsSpec = { flags?: readonly string[]; options?: readonly string[] };
type OptionConfig = { type: 'boolean' | 'string'; short?: string };

/**
 * Strict argument parser over Node's built-in `util.parseArgs` (tokens mode): only the declared
 * `--flags` and `--options value` (or `--option=value`) are accepted; anything else is an error
 * value, never silently ignored. `-y` is short for `--yes` where `yes` is a flag. An argument that
 * looks like a negative number (`-1`, `-80`) is a positional, so the port parser can reject it with
 * the valid range instead of "unknown option"; `--` ends options as usual.
 *
 * Non-strict tokens mode is used (rather than `strict: true`) only so those two refusals keep their
 * own messages: every token is still checked below, so nothing unknown slips through.
 */
export function parseArgs(
  args: readonly string[],
  spec: ArgsSpec,
): ParsedArgs | { readonly ok: false; readonly error: string } {
  const knownFlags = new Set(spec.flags ?? []);
  const knownOptions = new Set(spec.options ?? []);
  const config: Record<string, OptionConfig> = {};
  for (const f of knownFlags) config[f] = f === 'yes' ? { type: 'boolean', short: 'y' } : { type: 'boolean' };
  for (const o of knownOptions) config[o] = { type: 'string' };
  const { tokens } = parseArgv({
    args: [...args],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  const negativeNumberAt = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const raw = args[token.index] ?? token.rawName;
    if (/^-\d/.test(raw)) {
      // util.parseArgs splits "-80" into short options -8 and -0: keep it whole, once.
      if (!negativeNumberAt.has(token.index)) positionals.push(raw);
      negativeNumberAt.add(token.index);
      continue;
    }
    if (knownFlags.has(token.name)) {
      if (token.value !== undefined) return { ok: false, error: `--${token.name} takes no value.` };
      flags.add(token.name);
      continue;
    }
    if (knownOptions.has(token.name)) {
      if (token.value === undefined) return { ok: false, error: `--${token.name} needs a value.` };
      options.set(token.name, token.value);
      continue;
    }
    return { ok: false, error: `Unknown option ${JSON.stringify(raw)}.` };
  }
  return { ok: true, flags, options, positionals };
}

/**
 * {@link parseArgs} for a command's `run`: on bad input it writes the error and the usage to
 * `stderr` and returns null (the caller exits 2). With `noArguments`, positionals are bad input
 * too, said as "NAME takes no arguments.".
 */
export function commandArgs(
  stderr: (text: string) => void,
  usage: string,
  args: readonly string[],
  spec: ArgsSpec,
  noArguments?: { readonly name: string },
): ParsedArgs | null {
  const parsed = parseArgs(args, spec);
  const error = !parsed.ok
    ? parsed.error
    : noArguments && parsed.positionals.length > 0
      ? `${noArguments.name} takes no arguments.`
      : null;
  if (error === null && parsed.ok) return parsed;
  stderr(`${error}\n\n${usage}\n`);
  return null;
}
