import type { HostAlias } from './alias.js';

/**
 * Pure argv builders for the system `ssh` (never a shell string): every argv ends with `--` and
 * the validated alias, so nothing after it can be read as an option. docs/SECURITY.md (Remote hosts).
 */

/** Where and how one host is reached. */
export interface SshTarget {
  readonly alias: HostAlias;
  /** `-F` file (tests, or a user who keeps hosts elsewhere); null: ssh's own default. */
  readonly configFile: string | null;
  /** ControlPath inside the 0700 runtime directory (see runtime-dir.ts). */
  readonly controlPath: string;
}

/** One local forward: `bind:localPort` here → `remoteHost:remotePort` as the remote sees it. */
export interface ForwardSpec {
  readonly bind: '127.0.0.1' | '::1';
  readonly localPort: number;
  readonly remoteHost: string;
  readonly remotePort: number;
}

/**
 * Options every background run forces, whatever the user's config says (command-line options
 * win over the config): never prompt (BatchMode), never accept an unknown or changed host key
 * (StrictHostKeyChecking=yes, UpdateHostKeys=no), never forward the agent (CVE-2023-38408) or X11,
 * never run the user's RemoteCommand/LocalCommand, no tty.
 */
export const SAFE_OPTIONS: readonly string[] = [
  '-o', 'BatchMode=yes',
  '-o', 'StrictHostKeyChecking=yes',
  '-o', 'UpdateHostKeys=no',
  '-o', 'ForwardAgent=no',
  '-o', 'ForwardX11=no',
  '-o', 'RequestTTY=no',
  '-o', 'RemoteCommand=none',
  '-o', 'PermitLocalCommand=no',
]; // prettier-ignore

/**
 * The user's own LocalForward/RemoteForward lines must not ride along on our connections (with
 * ExitOnForwardFailure they would make every poll exit 255).
 */
const CLEAR_FORWARDS: readonly string[] = ['-o', 'ClearAllForwardings=yes'];

function configArgs(t: { readonly configFile: string | null }): string[] {
  return t.configFile === null ? [] : ['-F', t.configFile];
}

/** `host:port` for an `-L` spec: IPv6 addresses go in brackets (ssh(1) -L). */
export function specHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** The `-L` argument of one forward. */
export function forwardArgument(f: ForwardSpec): string {
  return `${specHost(f.bind)}:${f.localPort}:${specHost(f.remoteHost)}:${f.remotePort}`;
}

/**
 * Starts the host's one ControlMaster in the background (`-f -N`), logging to `logFile` so the
 * real error can be read when it exits 255. ServerAlive notices a dead peer within ~45 s.
 */
export function masterArgv(t: SshTarget, persist: 'yes' | number, logFile: string): string[] {
  return [
    ...configArgs(t),
    ...SAFE_OPTIONS,
    ...CLEAR_FORWARDS,
    '-o', 'ControlMaster=yes',
    '-o', `ControlPath=${t.controlPath}`,
    '-o', `ControlPersist=${persist}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    '-E', logFile,
    '-f', '-N',
    '--', t.alias,
  ]; // prettier-ignore
}

/** `ssh -O check|exit` against the host's master. */
export function controlArgv(t: SshTarget, op: 'check' | 'exit'): string[] {
  return [...configArgs(t), '-o', `ControlPath=${t.controlPath}`, '-O', op, '--', t.alias];
}

/** `ssh -O forward|cancel -L …` against the host's master. */
export function forwardControlArgv(t: SshTarget, op: 'forward' | 'cancel', f: ForwardSpec): string[] {
  return [
    ...configArgs(t),
    '-o',
    `ControlPath=${t.controlPath}`,
    '-O',
    op,
    '-L',
    forwardArgument(f),
    '--',
    t.alias,
  ];
}

/**
 * One remote command over the open master (ControlMaster=no: a poll never becomes a master
 * itself). `command` words are joined by the remote shell, so callers pass fixed words only
 * (`sh -s`); data goes on stdin.
 */
export function remoteCommandArgv(t: SshTarget, command: readonly string[]): string[] {
  return [
    ...configArgs(t),
    ...SAFE_OPTIONS,
    ...CLEAR_FORWARDS,
    '-o', 'ControlMaster=no',
    '-o', `ControlPath=${t.controlPath}`,
    '-T',
    '--', t.alias, ...command,
  ]; // prettier-ignore
}

/**
 * One verbose, non-interactive connection attempt whose debug log names the server's host key
 * fingerprint (`Server host key: …`), run only after a host-key refusal so the message can show it.
 */
export function fingerprintProbeArgv(t: {
  readonly alias: HostAlias;
  readonly configFile: string | null;
}): string[] {
  return [
    ...configArgs(t),
    ...SAFE_OPTIONS,
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '-v', '-T',
    '--', t.alias, 'true',
  ]; // prettier-ignore
}

/**
 * Windows: Win32-OpenSSH has no ControlMaster (PowerShell/Win32-OpenSSH#405), so ControlPath=none
 * is stated explicitly (a user's global ControlMaster line would otherwise break every run).
 */
const NO_MULTIPLEX: readonly string[] = ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'];

/** Windows poll: one short-lived `ssh` per remote command. */
export function windowsCommandArgv(
  t: { readonly alias: HostAlias; readonly configFile: string | null },
  command: readonly string[],
): string[] {
  return [
    ...configArgs(t),
    ...SAFE_OPTIONS,
    ...CLEAR_FORWARDS,
    ...NO_MULTIPLEX,
    '-T',
    '--',
    t.alias,
    ...command,
  ];
}

/**
 * Windows forward: one long-running `ssh -N -L …` per forward. ClearAllForwardings would also
 * clear this -L, so it is left out; ExitOnForwardFailure makes a failed bind exit instead of idling.
 */
export function windowsForwardArgv(
  t: { readonly alias: HostAlias; readonly configFile: string | null },
  f: ForwardSpec,
): string[] {
  return [
    ...configArgs(t),
    ...SAFE_OPTIONS,
    ...NO_MULTIPLEX,
    '-o', 'ExitOnForwardFailure=yes',
    '-o', 'ServerAliveInterval=15',
    '-N', '-L', forwardArgument(f),
    '--', t.alias,
  ]; // prettier-ignore
}

/**
 * The one foreground run of "Trust this host…" (docs/SECURITY.md, Remote hosts): BatchMode off and
 * StrictHostKeyChecking=ask so ssh asks its host-key question (through SSH_ASKPASS, set by the
 * caller), but everything else as safe as a poll: no agent or X11 forwarding, no password or
 * keyboard-interactive prompts, no master, the user's forwards cleared. CheckHostIP=no so exactly
 * one known_hosts line is written; FingerprintHash=sha256 and VisualHostKey=no so the question
 * shows the `SHA256:` fingerprint the poll reported, and LogLevel=INFO so its errors reach the user.
 */
export function trustArgv(t: { readonly alias: HostAlias; readonly configFile: string | null }): string[] {
  return [
    ...configArgs(t),
    '-o', 'BatchMode=no',
    '-o', 'StrictHostKeyChecking=ask',
    '-o', 'UpdateHostKeys=no',
    '-o', 'CheckHostIP=no',
    '-o', 'FingerprintHash=sha256',
    '-o', 'VisualHostKey=no',
    '-o', 'LogLevel=INFO',
    '-o', 'PasswordAuthentication=no',
    '-o', 'KbdInteractiveAuthentication=no',
    '-o', 'ForwardAgent=no',
    '-o', 'ForwardX11=no',
    '-o', 'RequestTTY=no',
    '-o', 'RemoteCommand=none',
    '-o', 'PermitLocalCommand=no',
    ...CLEAR_FORWARDS,
    ...NO_MULTIPLEX,
    '-T',
    '--', t.alias, 'true',
  ]; // prettier-ignore
}
