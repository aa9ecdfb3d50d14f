import type { Session, WebContents } from 'electron';
import { isPermissionAllowed } from './permissions.js';

/**
 * Locks down one webContents: no navigation, no redirects, no new windows, no <webview>
 * (Electron security checklist #11–#14). Applied to every webContents through
 * `app.on('web-contents-created')`, so a frame we did not expect is covered too.
 * Electron-free at runtime (types only), so it is tested with a fake.
 */
export function hardenWebContents(
  contents: WebContents,
  log: (line: string) => void = () => undefined,
): void {
  // #13: the UI is a single-page app; a rendered <a href> must never navigate the privileged window.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`blocked navigation to ${truncate(url)}`);
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  // #12: never attach a <webview>, whatever its options.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  // #14: window.open and target=_blank are denied; "open in browser" goes through the `open` IPC.
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked window.open of ${truncate(url)}`);
    return { action: 'deny' };
  });
}

/** Denies every permission request and check except the allowlist (security checklist #5). */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(isPermissionAllowed(permission));
  });
  session.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
