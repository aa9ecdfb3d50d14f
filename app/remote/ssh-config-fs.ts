import { readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Where the user's ssh config is, and whether Harbormaster must hand it to ssh (`-F`). */
export interface SshUserConfig {
  readonly file: string;
  /** HARBORMASTER_SSH_CONFIG: passed to every ssh with `-F`; null: ssh finds `file` itself. */
  readonly override: string | null;
  /** The home `~` means in the config (Include paths). */
  readonly home: string;
}

/**
 * The user's ssh config as ssh itself finds it. OpenSSH expands `~` with the account's home from
 * the password database, not `$HOME`: with HOME pointing elsewhere (`sudo -E`, a wrapper, a
 * sandbox) ssh still reads the account's `~/.ssh/config`, so the hosts listed must come from that
 * same file, or an alias would be listed that ssh then cannot resolve. HARBORMASTER_SSH_CONFIG
 * overrides it (and is passed to ssh with `-F`).
 */
export function sshUserConfig(env: Readonly<Record<string, string | undefined>>): SshUserConfig {
  let home: string;
  try {
    home = userInfo().homedir;
  } catch {
    home = env['HOME'] ?? homedir(); // no password entry for this uid: ssh cannot run either
  }
  const override = env['HARBORMASTER_SSH_CONFIG'] ?? null;
  return { file: override ?? join(home, '.ssh', 'config'), override, home };
}

/** Reads a config file, or null when it is missing or unreadable (ssh ignores those too). */
export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function segmentPattern(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Expands `*` and `?` in any path segment (ssh_config Include uses glob(3)); sorted like glob. */
export function expandGlob(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) return [pattern];
  const parts = pattern.split('/');
  let paths = [parts[0] === '' ? '/' : (parts[0] ?? '')];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of paths) {
      if (!/[*?]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      const re = segmentPattern(part);
      let names: string[] = [];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (!n.startsWith('.') && re.test(n)) next.push(join(base, n));
    }
    paths = next;
  }
  return paths;
}
