import { win32 } from 'node:path';
import {
  NETSTAT_ARGS,
  parseNetstatAno,
  parseWindowsPowerShellScan,
  WINDOWS_POWERSHELL_SCRIPT,
} from './parse-windows.js';
import { createToolScanner, hiddenOwnersNote } from './tool-scanner.js';
import type { Scanner } from './types.js';

/** `%SystemRoot%`, falling back to the usual folder when the variable is missing. */
function systemRoot(): string {
  const root = process.env['SystemRoot'] ?? process.env['SYSTEMROOT'];
  // Only an absolute drive path is trusted; anything else could point the app at another binary.
  return root && /^[A-Za-z]:\\/.test(root) ? root : 'C:\\Windows';
}

/** Absolute path of the system netstat.exe. */
export function windowsNetstatPath(): string {
  return win32.join(systemRoot(), 'System32', 'netstat.exe');
}

/** Absolute path of Windows PowerShell 5.1, present on every supported Windows. */
export function windowsPowerShellPath(): string {
  return win32.join(systemRoot(), 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

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
