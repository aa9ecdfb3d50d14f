import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api/get-api.js';
import { App } from './components/App.js';
import { selfPortOf, setSelfPort } from './format/self-port.js';
import { createAppStore } from './store/app-store.js';
import { connectApi } from './store/connect-api.js';
import { StoreContext } from './store/store-context.js';
import './styles/app.css';

const { api, problem, transport } = getApi();
// Served by `harbormaster serve`: that server's own port is "Harbormaster (this window)".
if (transport === 'websocket') setSelfPort(selfPortOf(location));
const store = createAppStore();
connectApi(store, api, { transportProblem: problem });

const rootElement = document.getElementById('root');
if (rootElement) {
  createRoot(rootElement).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
}
