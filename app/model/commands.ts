import type { KillMode } from './actions.js';
import type { Health } from './health.js';
import type { BackendId } from './snapshot.js';

/**
 * The copyable shell commands Harbormaster offers, built in one place for every face (the CLI's
 * output, a kill report's "needs admin", the window's Copy buttons). Isomorphic: the renderer
 * imports these too instead of writing its own `curl`/`sudo` strings.
 */

/**
 * A copyable `curl` command for a listener's URL (the one the core built, `listener.url`):
 * `curl -i http://127.0.0.1:3000/`; `-k` when the probe reported a self-signed certificate; `-g`
 * and quotes for bracketed IPv6 hosts (curl would otherwise read `[…]` as a glob range, and shells
 * like zsh as a pattern). Null when there is no URL.
 */
export function curlCommand(url: string | null, health: Health): string | null {
  if (url === null) return null;
  const insecure = health.state === 'up' && health.kind === 'https' && health.tls?.selfSigned === true;
  const flags = insecure ? '-ik' : '-i';
  return url.includes('[') ? `curl -g ${flags} '${url}'` : `curl ${flags} ${url}`;
}

/**
 * The command a user can copy to do it with admin rights (we never elevate ourselves). `root`: the
 * viewer already is root, so the command has no `sudo` in front.
 */
export function elevatedKillCommand(pid: number, mode: KillMode, platform: string, root = false): string {
  if (platform === 'win32') return `taskkill /PID ${pid}${mode === 'force' ? ' /F' : ''}`;
  return `${root ? '' : 'sudo '}kill -${mode === 'force' ? 'KILL' : 'TERM'} ${pid}`;
}

/** The platform a snapshot was taken on, as far as the commands above care (win32 or not). */
export function platformOfSource(source: BackendId): 'win32' | 'posix' {
  return source.startsWith('windows-') ? 'win32' : 'posix';
}
