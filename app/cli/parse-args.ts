/** Parsed command-line arguments: boolean flags, valued options, positionals. */
export interface ParsedArgs {
  readonly ok: true;
  readonly flags: ReadonlySet<string>;
  readonly options: ReadonlyMap<string, string>;
  readonly positionals: readonly string[];
}

/**
 * Strict argument parser: only the declared `--flags` and `--options value` (or `--option=value`)
 * are accepted; anything else is an error value, never silently ignored. `--` ends options, so a
 * port like `-1` can still be passed as a positional (and then rejected by the port parser).
 */
export function parseArgs(
  args: readonly string[],
  spec: { flags?: readonly string[]; options?: readonly string[] },
): ParsedArgs | { readonly ok: false; readonly error: string } {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  const knownFlags = new Set(spec.flags ?? []);
  const knownOptions = new Set(spec.options ?? []);
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (knownFlags.has(name) && eq < 0) {
        flags.add(name);
        continue;
      }
      if (knownOptions.has(name)) {
        const value = eq >= 0 ? a.slice(eq + 1) : args[i + 1];
        if (value === undefined) return { ok: false, error: `--${name} needs a value.` };
        options.set(name, value);
        if (eq < 0) i += 1;
        continue;
      }
      return { ok: false, error: `Unknown option ${JSON.stringify(a)}.` };
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      if (a === '-y' && knownFlags.has('yes')) {
        flags.add('yes');
        continue;
      }
      return { ok: false, error: `Unknown option ${JSON.stringify(a)}.` };
    }
    positionals.push(a);
  }
  return { ok: true, flags, options, positionals };
}
