import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './app-store.js';

/** Provides the one store to the component tree (a fresh one per test). */
export const StoreContext = createContext<AppStore | null>(null);

/** Reads a slice of the store; re-renders only when the selected value changes (Object.is). */
export function useApp<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useApp needs a <StoreContext.Provider>');
  return useStore(store, selector);
}

/** The store's actions (a stable object). */
export function useActions(): AppState['actions'] {
  return useApp((s) => s.actions);
}
