import type { KeyboardEvent } from 'react';

/**
 * Tab and Shift+Tab cycle through the enabled buttons of a modal dialog instead of leaving it
 * (WAI-ARIA Authoring Practices, dialog pattern). Returns true when it moved the focus.
 */
export function cycleFocus(e: KeyboardEvent<HTMLElement>, dialog: HTMLElement | null): boolean {
  if (e.key !== 'Tab' || dialog === null) return false;
  const items = [...dialog.querySelectorAll<HTMLElement>('button:not([disabled])')];
  const edge = e.shiftKey ? items[0] : items.at(-1);
  const wrapTo = e.shiftKey ? items.at(-1) : items[0];
  if (edge === undefined || wrapTo === undefined || document.activeElement !== edge) return false;
  e.preventDefault();
  wrapTo.focus();
  return true;
}
