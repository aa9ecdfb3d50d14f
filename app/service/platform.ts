import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { createPsOwnerResolver } from '../owners/ps-owners.js';
import type { OwnerResolver } from '../owners/types.js';
import { createWindowsOwnerResolver } from '../owners/windows-owners.js';
import { createFallbackScanner } from '../scan/fallback-scanner.js';
import { createLinuxScanner } from '../scan/linux-scanner.js';
import { createLsofScanner } from '../scan/lsof-scanner.js';
import { createMacosNetstatScanner } from '../scan/macos-netstat-scanner.js';
import { createSystemInformationScanner } from '../scan/si-scanner.js';
import { createSsScanner } from '../scan/ss-scanner.js';
import type { Scanner } from '../scan/types.js';
import { createWindowsScanner } from '../scan/windows-scanner.js';

/**
 * The scanner chain for this platform, fastest first, with the portable systeminformation
 * baseline last (docs/ARCHITECTURE.md#scanner-design):
 * - Linux: netlink sock_diag or /proc/net in-process (no spawn) → `ss` → systeminformation;
 * - macOS: `lsof -F` (TCP and UDP) → `netstat -anvW` (pids without root, no fd walk) → systeminformation;
 * - Windows: `netstat -ano` (one spawn, locale-independent) → PowerShell → systeminformation.
 */
export function defaultScanner(platform: NodeJS.Platform = process.platform, focus: ScanFocus = {}): Scanner {
  return createFallbackScanner(scannerChain(platform, focus));
}

/**
 * What a scan may leave out. `ports`: only listeners on these ports and their holders' other
 * listeners are needed (the CLI's port commands); backends that cannot narrow their work list
 * everything, and the command filters.
 */
export interface ScanFocus {
  readonly ports?: readonly number[];
}

/** The backends {@link defaultScanner} tries on `platform`, in order. */
export function scannerChain(platform: NodeJS.Platform = process.platform, focus: ScanFocus = {}): Scanner[] {
  const si = createSystemInformationScanner();
  if (platform === 'linux') {
    return [createLinuxScanner(focus.ports ? { focusPorts: focus.ports } : {}), createSsScanner(), si];
  }
  if (platform === 'darwin') return [createLsofScanner(), createMacosNetstatScanner(), si];
  if (platform === 'win32') {
    return [
      createWindowsScanner({ variant: 'netstat' }),
      createWindowsScanner({ variant: 'powershell' }),
      si,
    ];
  }
  return [createLsofScanner(), si];
}

/** The owner resolver for this platform: /proc on Linux, Win32_Process on Windows, ps elsewhere. */
export function defaultOwnerResolver(platform: NodeJS.Platform = process.platform): OwnerResolver {
  if (platform === 'linux') return createLinuxOwnerResolver();
  if (platform === 'win32') return createWindowsOwnerResolver();
  return createPsOwnerResolver();
}
