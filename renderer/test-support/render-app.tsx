import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { onTestFinished } from 'vitest';
import { App } from '../components/App.js';
import { createAppStore, type AppStore } from '../store/app-store.js';
import { connectApi, type ConnectOptions } from '../store/connect-api.js';
import { StoreContext } from '../store/store-context.js';
import { createFakeApi, type FakeApi, type FakeApiScript } from '../../app/testing/fake-api.js';

/** Renders the real App wired to a fake API through the real connectApi. */
export function renderApp(
  script: FakeApiScript,
  options: { transportProblem?: string; connect?: ConnectOptions } = {},
): { api: FakeApi; store: AppStore; user: ReturnType<typeof userEvent.setup>; dispose: () => void } {
  const api = createFakeApi(script);
  const store = createAppStore();
  const dispose = connectApi(store, api, {
    ...options.connect,
    lookupDelayMs: 0,
    transportProblem: options.transportProblem ?? null,
  });
  const user = userEvent.setup();
  const view = render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  return {
    api,
    store,
    user,
    dispose: () => {
      view.unmount();
      dispose();
    },
  };
}

/** {@link renderApp}, disposed when the current test finishes (the App component tests' set-up). */
export function mountApp(...args: Parameters<typeof renderApp>): ReturnType<typeof renderApp> {
  const r = renderApp(...args);
  onTestFinished(r.dispose);
  return r;
}
