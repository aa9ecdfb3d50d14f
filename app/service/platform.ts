import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import type { OwnerResolver } from '../owners/types.js';
import { createFallbackScanner } from '../scan/fallback-scanner.js';
import { createLinuxScanner } from '../scan/linux-scanner.js';
import { createLsofScanner } from '../scan/lsof-scanner.js';
import { createSystemInformationScanner } from '../scan/si-scanner.js';
import { createSsScanner } from '../scan/ss-scanner.js';
import type { Scanner } from '../scan/types.js';

/**
 * The scanner chain for this platform, fastest first, with the portable systeminformation
 * baseline last (scanning.md §8). Linux: netlink/procfs in-process (no spawn) → `ss` → si.
 * macOS: `lsof -F` → si. Other platforms: si.
 */
export function defaultScanner(platform: NodeJS.Platform = process.platform): Scanner {
  if (platform === 'linux')
    return createFallbackScanner([createLinuxScanner(), createSsScanner(), createSystemInformationScanner()]);
  if (platform === 'darwin')
    return createFallbackScanner([createLsofScanner(), createSystemInformationScanner()]);
  return createFallbackScanner([createSystemInformationScanner()]);
}

/** The owner resolver for this platform. */
export function defaultOwnerResolver(platform: NodeJS.Platform = process.platform): OwnerResolver {
  if (platform === 'linux') return createLinuxOwnerResolver();
  throw new Error(`No owner resolver for ${platform} yet`);
}
