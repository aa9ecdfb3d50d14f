import { protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, handleBundleRequest } from './bundle-path.js';

/** Declares `app:` as a standard, secure scheme; must run before `app.whenReady()`. */
export function registerAppSchemePrivileged(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/**
 * Serves the built renderer from `app://bundle/` (Electron security checklist #18), with the CSP
 * header on every response. All decisions live in the tested `handleBundleRequest`.
 */
export function serveBundle(root: string): void {
  protocol.handle(APP_SCHEME, (request) => handleBundleRequest(request, root));
}
