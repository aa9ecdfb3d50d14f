import { cleanText } from '../app/model/clean-text.js';

/**
 * The last step of every pure builder whose text reaches a native surface (menu labels, the tray
 * tooltip, notifications, message boxes): untrusted parts are cleaned where they are put in, and the
 * whole result once more here, so a field someone forgets can still not carry a control, bidi or
 * zero-width character. docs/SECURITY.md#untrusted-text.
 */

/** Longest notification title and body (macOS and Windows cut them far earlier anyway). */
export const MAX_NOTIFICATION_TITLE = 100;
export const MAX_NOTIFICATION_BODY = 400;
/** Longest native dialog message and detail. */
export const MAX_DIALOG_MESSAGE = 300;
export const MAX_DIALOG_DETAIL = 2000;

/** A menu item shape: labels and tooltips, possibly nested. */
interface LabelledItem {
  readonly label?: string;
  readonly toolTip?: string;
  readonly submenu?: readonly LabelledItem[];
}

/** Every label and tooltip of a menu (submenus included), cleaned; the items are otherwise kept. */
export function cleanMenu<T extends LabelledItem>(items: readonly T[]): T[] {
  return items.map((item) => ({
    ...item,
    ...(item.label !== undefined ? { label: cleanText(item.label, { max: 200 }) } : {}),
    ...(item.toolTip !== undefined ? { toolTip: cleanText(item.toolTip, { max: 500, newlines: true }) } : {}),
    ...(item.submenu !== undefined ? { submenu: cleanMenu(item.submenu) } : {}),
  }));
}

/** A tooltip: line breaks kept (the tray's lines), everything else cleaned, capped at `max`. */
export function cleanTooltip(text: string, max: number): string {
  return cleanText(text, { newlines: true, max });
}

/** A notification as shown: one-line title, body with line breaks, both cleaned and capped. */
export function cleanNotification<T extends { readonly title: string; readonly body: string }>(n: T): T {
  return {
    ...n,
    title: cleanText(n.title, { max: MAX_NOTIFICATION_TITLE, collapse: true }),
    body: cleanText(n.body, { max: MAX_NOTIFICATION_BODY, newlines: true }),
  };
}

/** A message box as shown: message one line, detail with line breaks, buttons one line each. */
export function cleanDialog<T extends { readonly message: string; readonly detail: string }>(d: T): T {
  return {
    ...d,
    message: cleanText(d.message, { max: MAX_DIALOG_MESSAGE, collapse: true }),
    detail: cleanText(d.detail, { max: MAX_DIALOG_DETAIL, newlines: true }),
  };
}
