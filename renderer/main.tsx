import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { browserPage } from './api/browser-page.js';
import { getApi } from './api/get-api.js';
import { App } from './components/App.js';
import { selfPortOf, setSelfPort } from './format/self-port.js';
import { createAppStore } from './store/app-store.js';
import { connectApi } from './store/connect-api.js';
import { HostsContext } from './store/hosts-context.js';
import { StoreContext } from './store/store-context.js';
import './styles/app.css';

const { api, problem, transport } = getApi();
// Served by `harbormaster serve`: that server's own port is "Harbormaster (this window)".
if (transport === 'websocket') setSelfPort(selfPortOf(location));
const store = createAppStore();
// Browser mode (serve): the page opens tabs and notifies itself; Electron's main does both.
const page = transport === 'websocket' ? browserPage(window) : null;
connectApi(store, api, { transportProblem: problem, page });

const rootElement = document.getElementById('root');
if (rootElement) {
  createRoot(rootElement).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <HostsContext.Provider value={{ api, page }}>
          <App />
        </HostsContext.Provider>
      </StoreContext.Provider>
    </StrictMode>,
  );
}
