import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from '../../actions/test-support/cli-context.js';
import { isAlive, killTracked, startServer, waitUntil } from '../../actions/test-support/processes.js';
import { createTestService } from '../../actions/test-support/test-service.js';
import { checkCommand } from './check.js';

describe.runIf(process.platform === 'linux')('harbormaster check', () => {
  afterEach(() => killTracked());

  it('probes the listener now and prints its health (exit 0 when it answers)', async () => {
    const server = await startServer();
    const t = testContext({ service: () => createTestService() });
    expect(await checkCommand.run([String(server.port)], t.ctx)).toBe(0);
    expect(t.stdout()).toMatch(
      new RegExp(`tcp 127\\.0\\.0\\.1:${server.port}\\s+node \\(pid ${server.pid}\\)\\s+TCP open`),
    );
  });

  it('prints listener and health as JSON', async () => {
    const server = await startServer();
    const t = testContext({ service: () => createTestService() });
    expect(await checkCommand.run([String(server.port), '--json'], t.ctx)).toBe(0);
    const json = JSON.parse(t.stdout()) as { listener: { port: number }; health: { state: string } }[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ listener: { port: server.port }, health: { state: 'up' } });
  });

  it('says nothing listens on a port with no listener (exit 3)', async () => {
    const server = await startServer();
    process.kill(server.pid, 'SIGKILL');
    await waitUntil(() => !isAlive(server.pid));
    const t = testContext({ service: () => createTestService() });
    expect(await checkCommand.run([String(server.port)], t.ctx)).toBe(3);
  });
});
