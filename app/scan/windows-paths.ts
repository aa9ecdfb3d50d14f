import { win32 } from 'node:path';

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
