import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';

/**
 * The modal dialog's focus rules, shared by the kill dialogs (local and remote): when `phase`
 * changes focus goes to the element marked `data-autofocus` (Cancel on a confirmation, so a stray
 * Enter never kills), and when `phase` becomes null focus returns to where it was before.
 */
export function useModalFocus(phase: string | null): RefObject<HTMLDivElement | null> {
  const dialog = useRef<HTMLDivElement>(null);
  const returnFocus = useRef<Element | null>(null);
  useEffect(() => {
    if (phase === null) return undefined;
    if (returnFocus.current === null) returnFocus.current = document.activeElement;
    const el = dialog.current;
    const target = el?.querySelector<HTMLElement>('[data-autofocus]') ?? el;
    target?.focus();
    return undefined;
  }, [phase]);
  useEffect(() => {
    if (phase !== null) return;
    const back = returnFocus.current;
    returnFocus.current = null;
    if (back instanceof HTMLElement && back.isConnected) back.focus();
  }, [phase]);
  return dialog;
}

/** Escape closes; Tab stays inside the dialog (WAI-ARIA dialog pattern); keys never reach the list. */
export function modalKeyDown(
  e: KeyboardEvent<HTMLDivElement>,
  dialog: HTMLElement | null,
  close: () => void,
): void {
  if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    close();
    return;
  }
  if (e.key === 'Tab') {
    const items = [...(dialog?.querySelectorAll<HTMLElement>('button:not([disabled])') ?? [])];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }
  e.stopPropagation();
}
