import {
  NETSTAT_ARGS,
  parseNetstatAno,
  parseWindowsPowerShellScan,
  WINDOWS_POWERSHELL_SCRIPT,
} from './parse-windows.js';
import { createToolScanner, hiddenOwnersNote } from './tool-scanner.js';
import type { Scanner } from './types.js';
import { windowsNetstatPath, windowsPowerShellPath } from './windows-paths.js';

// The paths live in their own module: the owner resolver needs them without this scanner.
export { windowsNetstatPath, windowsPowerShellPath } from './windows-paths.js';

/** Options for {@link createWindowsScanner}. */
export interface WindowsScannerOptions {
  /** `netstat` (default: one cheap spawn) or `powershell` (Get-NetTCPConnection/Get-NetUDPEndpoint). */
  readonly variant?: 'netstat' | 'powershell';
  /** Override of the tool path (tests run a stand-in that prints a fixture). */
  readonly toolPath?: string;
  readonly timeoutMs?: number;
}

/**
 * Windows backend: `netstat -ano` read without relying on the localized state word, or one
 * PowerShell run of Get-NetTCPConnection + Get-NetUDPEndpoint. Both report owning pids for every
 * user's sockets without elevation; names come from the owner resolver.
 */
export function createWindowsScanner(options: WindowsScannerOptions = {}): Scanner {
  if (options.variant === 'powershell') {
    return createToolScanner({
      backend: 'windows-powershell',
      toolName: 'PowerShell',
      candidates: [options.toolPath ?? windowsPowerShellPath()],
      args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', WINDOWS_POWERSHELL_SCRIPT],
      // PowerShell start-up alone takes hundreds of ms (docs/ARCHITECTURE.md#scanner-design).
      timeoutMs: options.timeoutMs ?? 15_000,
      parse: parseWindowsPowerShellScan,
      notes: hiddenOwnersNote,
    });
  }
  return createToolScanner({
    backend: 'windows-netstat',
    toolName: 'netstat',
    candidates: [options.toolPath ?? windowsNetstatPath()],
    args: NETSTAT_ARGS,
    timeoutMs: options.timeoutMs ?? 5000,
    parse: parseNetstatAno,
    notes: hiddenOwnersNote,
  });
}
