import { checkAlias, type HostAlias } from '../../remote/alias.js';
import type { HostFailure } from '../../remote/host-state.js';
import { sshUserConfig, type SshUserConfig } from '../../remote/ssh-config-fs.js';
import { createRemoteHost, type RemoteHost } from '../../remote/remote-host.js';
import { ensureRuntimeDir } from '../../remote/runtime-dir.js';
import type { CliContext } from '../types.js';

/** Commands that take `--host ALIAS` and run against a remote machine instead of this one. */
export const HOST_COMMANDS: readonly string[] = ['list', 'who', 'check', 'kill', 'open', 'why'];

/** `HARBORMASTER_SSH_CONFIG`: an ssh config file for `-F` (default: ssh's own, ~/.ssh/config). */
export const SSH_CONFIG_ENV = 'HARBORMASTER_SSH_CONFIG';

/**
 * Pulls `--host ALIAS` / `--host=ALIAS` out of `args`. A hostile alias is refused here, before
 * anything is spawned (CVE-2017-1000117).
 */
export function takeHostOption(
  args: readonly string[],
):
  | { found: false }
  | { found: true; ok: true; alias: HostAlias; rest: string[] }
  | { found: true; ok: false; error: string } {
  const rest: string[] = [];
  let alias: string | null = null;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a === '--host') {
      const v = args[i + 1];
      if (v === undefined)
        return { found: true, ok: false, error: '--host needs an alias from your ssh config.' };
      alias = v;
      i += 1;
    } else if (a.startsWith('--host=')) alias = a.slice('--host='.length);
    else rest.push(a);
  }
  if (alias === null) return { found: false };
  const check = checkAlias(alias);
  if (!check.ok)
    return { found: true, ok: false, error: `Refusing host alias ${JSON.stringify(alias)}: ${check.reason}` };
  return { found: true, ok: true, alias: check.alias, rest };
}

/** The ssh config file the CLI reads hosts from and passes to ssh (`-F`) when overridden. */
export function sshConfigOf(ctx: CliContext): SshUserConfig {
  return sshUserConfig(ctx.env);
}

/** The 0700 runtime dir for control sockets and forward records, or an error printed to stderr. */
export function runtimeDirOf(ctx: CliContext): string | null {
  const dir = ensureRuntimeDir(ctx.env, process.getuid?.() ?? 0);
  if (!dir.ok) {
    ctx.stderr(`${dir.message}\n`);
    return null;
  }
  return dir.path;
}

/** A RemoteHost for the CLI: the user's ssh, config and environment. */
export function cliHost(
  ctx: CliContext,
  alias: HostAlias,
  runtimeDir: string,
  persist: 'yes' | number = 120,
  configFile?: string | null,
): RemoteHost {
  return createRemoteHost({
    alias,
    configFile: configFile === undefined ? sshConfigOf(ctx).override : configFile,
    runtimeDir,
    env: ctx.env,
    ssh: ctx.env.HARBORMASTER_SSH ?? 'ssh',
    persist,
  });
}

/** Prints a host failure loudly: state, sentence, fingerprint, the command to run. */
export function printHostFailure(ctx: CliContext, alias: string, f: HostFailure): void {
  const loud = f.state === 'host-key-changed' || f.state === 'host-key-unknown';
  const lines = [`${loud ? '!!! ' : ''}${alias}: ${f.state.replace(/-/g, ' ')}`, f.message];
  if (f.fingerprint) lines.push(`Fingerprint: ${f.fingerprint}`);
  if (f.command) lines.push(`Run: ${f.command}`);
  ctx.stderr(`${lines.join('\n')}\n`);
}

/** Exit code for a host failure (1: the remote could not be read; never "nothing listens"). */
export const EXIT_HOST_FAILED = 1;
