import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { createPsOwnerResolver } from '../owners/ps-owners.js';
import type { OwnerResolver } from '../owners/types.js';
import { createWindowsOwnerResolver } from '../owners/windows-owners.js';
import type { BackendId } from '../model/snapshot.js';
import { createFallbackScanner } from '../scan/fallback-scanner.js';
import { createLinuxScanner } from '../scan/linux-scanner.js';
import type { Scanner } from '../scan/types.js';

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

/**
 * A backend whose module is imported on its first scan: the fallbacks (and the other platforms'
 * parsers) are never loaded by a run the first backend serves, most of a CLI's (issue 14 item 2).
 */
export function lazyScanner(id: BackendId, load: () => Promise<Scanner>): Scanner {
  let loading: Promise<Scanner> | null = null;
  let loaded: Scanner | null = null;
  return {
    id,
    async scan(signal) {
      loaded ??= await (loading ??= load());
      return loaded.scan(signal);
    },
    dispose() {
      loaded?.dispose?.();
    },
  };
}

const ss = () => lazyScanner('ss', async () => (await import('../scan/ss-scanner.js')).createSsScanner());
const si = () =>
  lazyScanner('systeminformation', async () =>
    (await import('../scan/si-scanner.js')).createSystemInformationScanner(),
  );
const lsof = () =>
  lazyScanner('lsof', async () => (await import('../scan/lsof-scanner.js')).createLsofScanner());
const windows = (variant: 'netstat' | 'powershell') =>
  lazyScanner(`windows-${variant}`, async () =>
    (await import('../scan/windows-scanner.js')).createWindowsScanner({ variant }),
  );

/** The backends {@link defaultScanner} tries on `platform`, in order. */
export function scannerChain(platform: NodeJS.Platform = process.platform, focus: ScanFocus = {}): Scanner[] {
  if (platform === 'linux') {
    return [createLinuxScanner(focus.ports ? { focusPorts: focus.ports } : {}), ss(), si()];
  }
  if (platform === 'darwin') {
    const netstat = lazyScanner('macos-netstat', async () =>
      (await import('../scan/macos-netstat-scanner.js')).createMacosNetstatScanner(),
    );
    return [lsof(), netstat, si()];
  }
  if (platform === 'win32') return [windows('netstat'), windows('powershell'), si()];
  return [lsof(), si()];
}

/** The owner resolver for this platform: /proc on Linux, Win32_Process on Windows, ps elsewhere. */
export function defaultOwnerResolver(platform: NodeJS.Platform = process.platform): OwnerResolver {
  if (platform === 'linux') return createLinuxOwnerResolver();
  if (platform === 'win32') return createWindowsOwnerResolver();
  return createPsOwnerResolver();
}
