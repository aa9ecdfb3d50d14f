import { MACOS_NETSTAT_ARGS, parseMacosNetstat } from './parse-netstat-macos.js';
import { createToolScanner, hiddenOwnersNote } from './tool-scanner.js';
import type { Scanner } from './types.js';

/** Where macOS keeps netstat. */
export const MACOS_NETSTAT_PATHS: readonly string[] = ['/usr/sbin/netstat'];

/** Options for {@link createMacosNetstatScanner}; tests point `candidates` at stand-ins. */
export interface MacosNetstatScannerOptions {
  readonly candidates?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * The second macOS backend, after lsof: one `netstat -anvW` run lists every TCP listener and
 * bound UDP socket with its owning pid, for every user, without root. It is fast (no per-process
 * descriptor walk) and present when lsof is slow, missing or restricted.
 */
export function createMacosNetstatScanner(options: MacosNetstatScannerOptions = {}): Scanner {
  return createToolScanner({
    backend: 'macos-netstat',
    toolName: 'netstat',
    candidates: options.candidates ?? MACOS_NETSTAT_PATHS,
    args: MACOS_NETSTAT_ARGS,
    timeoutMs: options.timeoutMs ?? 5000,
    parse: parseMacosNetstat,
    notes: hiddenOwnersNote,
  });
}
