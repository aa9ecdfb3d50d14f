/**
 * Permission policy for every session: Electron approves all permission requests by default
 * (security checklist #5), so we deny everything except writing sanitized text to the clipboard
 * ("copy URL", "copy the elevated kill command").
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** True only for permissions the UI needs; every other request and check is denied. */
export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}
