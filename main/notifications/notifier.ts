import { Notification } from 'electron';
import { cleanNotification } from '../clean-output.js';
import type { PlannedNotification } from './notifications-for.js';

// Keep shown notifications referenced until closed: a collected Notification loses its click handler
// (https://github.com/electron/electron/issues/16922).
const live = new Set<Notification>();

/** Glue: shows planned notifications; a click reports the listener to focus (or null), or a port to diagnose. */
export function showNotifications(
  planned: readonly PlannedNotification[],
  onClick: (listenerId: string | null, why?: string) => void,
): void {
  if (!Notification.isSupported()) return;
  for (const p of planned.map(cleanNotification)) {
    const n = new Notification({ title: p.title, body: p.body });
    live.add(n);
    n.on('click', () => {
      live.delete(n);
      onClick(p.listenerId, p.why);
    });
    n.on('close', () => live.delete(n));
    n.show();
  }
}
