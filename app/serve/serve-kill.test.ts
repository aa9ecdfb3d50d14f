import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { WebSocket } from 'ws';
import { killScenarioTests, type KillFace } from '../actions/test-support/kill-scenarios.js';
import { killTracked } from '../actions/test-support/processes.js';
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX, type WsServerMessage } from '../contract/ws-protocol.js';
import { createHealthMonitor } from '../health/monitor.js';
import type { KillReport } from '../model/actions.js';
import type { Result } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import { createHarbormasterService } from '../service/create-service.js';
import type { HarbormasterService } from '../service/types.js';
import { startServe, type ServeHandle } from './server.js';

// `harbormaster serve`'s WebSocket, as the browser page uses it: a real core behind a real
// server, a kill confirmed in a dialog that may have been open for minutes (issue 9 item 2).

let dir = '';
let service: HarbormasterService;
let handle: ServeHandle;
let ws: WebSocket;
let nextId = 1;

function call(method: string, params?: unknown): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (data: unknown): void => {
      const m = JSON.parse(String(data)) as WsServerMessage;
      if (m.type === 'result' && m.id === id) {
        ws.off('message', onMessage);
        resolve(m.result);
      } else if (m.type === 'error' && m.id === id) {
        ws.off('message', onMessage);
        reject(new Error(m.error.message));
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, method, ...(params === undefined ? {} : { params }) }));
  });
}

const face: KillFace = {
  snapshot: () => call('getSnapshot') as Promise<Snapshot>,
  async kill(request, whileConfirming) {
    await whileConfirming();
    return (await call('kill', request)) as Result<KillReport>;
  },
};

describe.runIf(process.platform === 'linux')(
  'serve: a kill over the WebSocket acts only on facts checked after yes',
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'trust-kill-serve-'));
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Harbormaster</title>');
      const monitor = createHealthMonitor({ selfPid: process.pid });
      service = await createHarbormasterService({
        health: { ...monitor, observe: () => undefined },
        killRespawnWindowMs: 5000,
      });
      const started = await startServe({ service, staticDir: dir, port: 0, ipv6: false });
      if (!started.ok) throw new Error(started.error.message);
      handle = started.value;
      ws = new WebSocket(
        `ws://127.0.0.1:${handle.port}/ws`,
        [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${handle.token}`],
        {
          origin: `http://127.0.0.1:${handle.port}`,
        },
      );
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
    });
    afterAll(async () => {
      ws?.close();
      await handle?.close();
      await service?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    afterEach(() => killTracked());

    killScenarioTests(face);
  },
);
