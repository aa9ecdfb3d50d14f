import { checkAlias, type HostAlias } from './alias.js';

/** Reads a file's text, or null when it is missing or unreadable. */
export type ReadText = (path: string) => string | null;
/** Expands one glob pattern (`*`, `?`) to the existing paths, sorted. */
export type ExpandGlob = (pattern: string) => readonly string[];

/** One concrete host of the user's ssh config. */
export interface ConfigHost {
  readonly alias: HostAlias;
  /** The file whose `Host` line named it. */
  readonly file: string;
}

/** What {@link discoverHosts} found: hosts, plus names refused by the alias rule (shown, not used). */
export interface DiscoveredHosts {
  readonly hosts: readonly ConfigHost[];
  readonly refused: readonly { readonly name: string; readonly reason: string }[];
}

/** ssh_config(5): Include nests at most 16 deep (READCONF_MAX_DEPTH). */
const MAX_DEPTH = 16;

/** Splits one config line into keyword and arguments (`Key value`, `Key=value`, quoted args). */
export function splitConfigLine(line: string): { keyword: string; args: string[] } | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const m = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(trimmed);
  if (!m?.[1]) return null;
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let a = re.exec(m[2] ?? ''); a; a = re.exec(m[2] ?? '')) {
    const v = a[1] ?? a[2] ?? '';
    if (v.startsWith('#')) break;
    args.push(v);
  }
  return { keyword: m[1].toLowerCase(), args };
}

/** Whether a Host pattern names one concrete host (no wildcard, no negation). */
export function isConcreteHost(pattern: string): boolean {
  return !/[*?!]/.test(pattern);
}

/**
 * The concrete `Host` entries of the user's ssh config and the files it `Include`s, in file
 * order, each once. Wildcard and negated patterns are not hosts. Relative Include paths resolve
 * against `~/.ssh` (ssh_config(5)); `~/` expands to `home`. Pure: file access is injected.
 */
export function discoverHosts(
  configPath: string,
  home: string,
  readText: ReadText,
  expandGlob: ExpandGlob,
): DiscoveredHosts {
  const hosts: ConfigHost[] = [];
  const refused: { name: string; reason: string }[] = [];
  const seen = new Set<string>();
  const visited = new Set<string>();
  const resolve = (p: string): string => {
    if (p.startsWith('~/')) return `${home}/${p.slice(2)}`;
    if (p.startsWith('/')) return p;
    return `${home}/.ssh/${p}`;
  };
  const walk = (file: string, depth: number): void => {
    if (depth > MAX_DEPTH || visited.has(file)) return;
    visited.add(file);
    const text = readText(file);
    if (text === null) return;
    for (const line of text.split(/\r?\n/)) {
      const parsed = splitConfigLine(line);
      if (!parsed) continue;
      if (parsed.keyword === 'include') {
        for (const arg of parsed.args) for (const f of expandGlob(resolve(arg))) walk(f, depth + 1);
      } else if (parsed.keyword === 'host') {
        for (const name of parsed.args) {
          if (!isConcreteHost(name) || seen.has(name)) continue;
          seen.add(name);
          const check = checkAlias(name);
          if (check.ok) hosts.push({ alias: check.alias, file });
          else refused.push({ name, reason: check.reason });
        }
      }
    }
  };
  walk(configPath, 0);
  return { hosts, refused };
}
