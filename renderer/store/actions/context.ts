import type { HarbormasterApi } from '../../../app/contract/api.js';
import type { Listener } from '../../../app/model/listener.js';
import type { PageFaculties } from '../../api/browser-page.js';
import type { AppActions, AppStore, Toast } from '../app-store.js';

/** A timer handle (browser or Node). */
export type Timer = ReturnType<typeof setTimeout>;

/**
 * What every flow in this folder gets from connect-api.ts, the one doorway to the API (in the
 * style of GitHub Desktop's dispatcher): the store, the API, a clock, timers that die with the
 * connection, and the shared toast and lookup refresh. Each flow returns its slice of AppActions.
 */
export interface FlowContext {
  readonly store: AppStore;
  readonly api: HarbormasterApi;
  readonly now: () => number;
  /** Runs `fn` after `ms` unless the connection was disposed first. */
  later(fn: () => void, ms: number): Timer;
  cancel(timer: Timer | null): void;
  disposed(): boolean;
  toast(text: string, tone: Toast['tone'], action?: Toast['action']): void;
  /** Asks "is port N free?" again when the filter names a port nobody listed holds. */
  refreshLookup(): void;
  listenerById(id: string): Listener | null;
  /** The whole action object (a flow that offers "Open anyway" calls back into it). */
  actions(): AppActions;
  /** Browser mode's own tab opener and notifications; null in Electron (main does both). */
  readonly page: PageFaculties | null;
}
