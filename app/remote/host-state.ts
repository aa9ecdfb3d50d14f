import type { HostFailure } from '../model/remote-host.js';
/**
 * Per-host states (issue 15): a failed host is never shown as "no ports", and every failure
 * carries a sentence and, where one helps, the exact command for the user to run.
 */
export type { HostFailure, HostState } from '../model/remote-host.js';

/** Pulls `SHA256:…` out of ssh's verbose or warning output. */
export function fingerprintIn(text: string): string | null {
  const m =
    /Server host key: (\S+ SHA256:[A-Za-z0-9+/=]+)/.exec(text) ?? /(SHA256:[A-Za-z0-9+/=]+)/.exec(text);
  return m?.[1] ?? null;
}

/**
 * Maps a failed ssh run (exit 255 and its stderr/log) to a host state. The texts are OpenSSH's
 * own (sshconnect.c, mux.c); anything else is `failed` with ssh's last line, never "no ports".
 */
export function classifySshFailure(
  alias: string,
  stderr: string,
  fingerprint: string | null = null,
): HostFailure {
  const fp = fingerprint ?? fingerprintIn(stderr);
  const verify = `ssh ${alias}`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return {
      state: 'host-key-changed',
      message:
        `THE HOST KEY OF ${alias} HAS CHANGED${fp ? ` (it now presents ${fp})` : ''}. This can mean someone is ` +
        `impersonating the host. Harbormaster will not connect. Verify the key with the host's owner, then run ` +
        `"${verify}" yourself to review it.`,
      command: verify,
      ...(fp ? { fingerprint: fp } : {}),
    };
  }
  if (/No \S+ host key is known|Host key verification failed|authenticity of host/i.test(stderr)) {
    return {
      state: 'host-key-unknown',
      message:
        `The host key of ${alias} is not known${fp ? ` (it presents ${fp})` : ''}. Harbormaster never accepts a ` +
        `host key by itself: compare the fingerprint with the one the host's owner gave you, then choose ` +
        `"Trust this host…" (or "harbormaster trust ${alias}"), or run "${verify}" in a terminal and accept it there.`,
      command: verify,
      ...(fp ? { fingerprint: fp } : {}),
    };
  }
  if (/Permission denied \(|Too many authentication failures|no mutual signature/i.test(stderr)) {
    return {
      state: 'auth-failed',
      message: `ssh could not log in to ${alias} without prompting (key or agent needed). Try "${verify}".`,
      command: verify,
    };
  }
  if (
    /Could not resolve hostname|Connection refused|Connection timed out|No route to host|Network is unreachable|Connection closed by|Connection reset|kex_exchange_identification|Broken pipe|timed out/i.test(
      stderr,
    )
  ) {
    return { state: 'unreachable', message: `${alias} is unreachable: ${lastLine(stderr)}` };
  }
  return { state: 'failed', message: `ssh to ${alias} failed: ${lastLine(stderr) || 'no error text'}` };
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('debug'));
  return (lines.at(-1) ?? '').trim();
}
