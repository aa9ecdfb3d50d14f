import { verifyOpenUrl } from '../../app/actions/url.js';
import { err, type Result } from '../../app/model/errors.js';
import type { Snapshot } from '../../app/model/snapshot.js';

/**
 * The last gate before `shell.openExternal` (Electron security checklist #15): the URL the core
 * built must pass the core's own strict check (http/https, literal loopback-style IP host, port,
 * path `/`) and be the URL of a listener in the latest snapshot main has seen. A compromised or
 * confused core still cannot make main open `file:`, `smb:` or an arbitrary host.
 */
export function checkUrlToOpen(url: string, snapshot: Snapshot | null): Result<string> {
  const verified = verifyOpenUrl(url);
  if (!verified.ok) return verified;
  if (!snapshot?.listeners.some((l) => l.url === verified.value)) {
    return err('OPEN_FAILED', 'Refusing to open a URL that belongs to no listener in the current scan.');
  }
  return verified;
}
