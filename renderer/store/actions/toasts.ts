import type { AppStore, Toast } from '../app-store.js';
import type { Timer } from './context.js';

/** The one toast line: a new toast replaces the shown one; one that offers a choice stays longer. */
export function createToasts(
  store: AppStore,
  timers: { later(fn: () => void, ms: number): Timer; cancel(timer: Timer | null): void },
  toastMs = 3000,
): { toast(text: string, tone: Toast['tone'], action?: Toast['action']): void; dismissToast(): void } {
  let toastSeq = 0;
  let toastTimer: Timer | null = null;
  return {
    toast(text, tone, action) {
      timers.cancel(toastTimer);
      store.setState({ toast: { id: ++toastSeq, text, tone, ...(action ? { action } : {}) } });
      // A toast that offers a choice stays long enough to read the reason and make it.
      toastTimer = timers.later(() => store.setState({ toast: null }), toastMs * (action ? 3 : 1));
    },
    dismissToast() {
      timers.cancel(toastTimer);
      store.setState({ toast: null });
    },
  };
}
