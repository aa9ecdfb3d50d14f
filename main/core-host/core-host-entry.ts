/**
 * Entry of the core host: a Node process started by Electron main with `utilityProcess.fork`
 * (https://www.electronjs.org/docs/latest/api/utility-process), so scans, probes and kills never
 * block the UI thread, and a crash in the core cannot take the tray down. It does not import
 * `electron`: in a utility process the parent port is `process.parentPort`.
 */
import { createHarbormasterService } from '../../app/service/create-service.js';
import { serveCore } from './core-server.js';
import type { FromCore, MessageEndpoint, ToCore } from './protocol.js';

/** The shape of Electron's `process.parentPort` that the core host uses. */
interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  off(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

if (!parentPort) {
  process.stderr.write(
    'harbormaster core host: no parent port; start it through Electron utilityProcess.fork\n',
  );
  process.exitCode = 2;
} else {
  const port = parentPort;
  const endpoint: MessageEndpoint<FromCore, ToCore> = {
    post: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (event: { data: unknown }) => listener(event.data as ToCore);
      port.on('message', handler);
      return () => port.off('message', handler);
    },
  };
  void serveCore(endpoint, (options) => createHarbormasterService({ face: 'tray', ...options })).then(() =>
    process.exit(0),
  );
}
