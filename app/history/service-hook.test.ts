import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHarbormasterService } from '../service/create-service.js';
import { readHistory } from './query.js';
import { openHistoryStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'why-hook-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

describe.runIf(process.platform === 'linux')('every face records what its scans saw', () => {
  it('a core (here: serve) writes appearances and disappearances to the history in the data folder', async () => {
    const env = { ...process.env, HARBORMASTER_DATA_DIR: dir };
    const service = await createHarbormasterService({
      env,
      face: 'serve',
      startPolling: false,
      autoProbe: false,
    });
    try {
      const { server, port } = await listen();
      await service.getSnapshot();
      await new Promise<void>((r) => server.close(() => r()));
      const cli = await createHarbormasterService({
        env,
        face: 'cli',
        startPolling: false,
        autoProbe: false,
      });
      await cli.getSnapshot();
      await cli.dispose();
      const events = readHistory(openHistoryStore({ dir: join(dir, 'history') })).events.filter(
        (e) => e.port === port,
      );
      expect(events.map((e) => `${e.face}:${e.event}:${e.owner?.pid}`)).toEqual([
        `serve:open:${process.pid}`,
        `cli:close:${process.pid}`,
      ]);
    } finally {
      await service.dispose();
    }
  });
});
