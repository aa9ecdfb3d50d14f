import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from '../../actions/test-support/cli-context.js';
import {
  isAlive,
  killTracked,
  spawnNode,
  startServer,
  waitUntil,
} from '../../actions/test-support/processes.js';
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

  it('exits 0 for a healthy TCP listener whose UDP twin on the same port is "not probed" (memcached)', async () => {
    // One real process holding TCP and UDP on one port, as memcached does on 11211.
    const pair = spawnNode(`
      const net = require('net'), dgram = require('dgram');
      const tcp = net.createServer((c) => c.on('error', () => {}));
      tcp.listen(0, '127.0.0.1', () => {
        const port = tcp.address().port;
        const udp = dgram.createSocket('udp4');
        udp.bind(port, '127.0.0.1', () => process.stdout.write('listening ' + port + '\\n'));
      });
      setInterval(() => {}, 1 << 30);
    `);
    const port = Number((await pair.waitForLine(/^listening (\d+)$/))[1]);
    const t = testContext({ service: () => createTestService() });
    expect(await checkCommand.run([String(port)], t.ctx)).toBe(0);
    expect(t.stdout()).toMatch(
      new RegExp(`tcp 127\\.0\\.0\\.1:${port}\\s+node \\(pid ${pair.pid}\\)\\s+TCP open`),
    );
    expect(t.stdout()).toMatch(
      new RegExp(`udp 127\\.0\\.0\\.1:${port}\\s+node \\(pid ${pair.pid}\\)\\s+not probed`),
    );
  });

  it('documents its exit codes in --help, "not probed" included', () => {
    expect(checkCommand.usage).toMatch(/Exit codes:[\s\S]*0[\s\S]*not probed/);
  });

  it('says nothing listens on a port with no listener (exit 3)', async () => {
    const server = await startServer();
    process.kill(server.pid, 'SIGKILL');
    await waitUntil(() => !isAlive(server.pid));
    const t = testContext({ service: () => createTestService() });
    expect(await checkCommand.run([String(server.port)], t.ctx)).toBe(3);
  });
});
