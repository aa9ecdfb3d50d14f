import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from '../../actions/test-support/cli-context.js';
import { freePort, killTracked, startServer } from '../../actions/test-support/processes.js';
import { createTestService } from '../../actions/test-support/test-service.js';
import { describeLookup, freeCommand } from './free.js';

describe.runIf(process.platform === 'linux')('harbormaster free', () => {
  afterEach(() => killTracked());

  it('says a free port is free (exit 0)', async () => {
    const port = await freePort();
    const t = testContext({ service: () => createTestService() });
    expect(await freeCommand.run([String(port)], t.ctx)).toBe(0);
    expect(t.stdout()).toBe(`Port ${port} is free.\n`);
  });

  it('names the holder and the next free port (exit 1)', async () => {
    const server = await startServer();
    const t = testContext({ service: () => createTestService() });
    expect(await freeCommand.run([String(server.port)], t.ctx)).toBe(1);
    expect(t.stdout()).toContain(`tcp 127.0.0.1:${server.port}  node (pid ${server.pid})`);
    expect(t.stdout()).toMatch(/Next free port: \d+/);
  });

  it('prints the lookup as JSON', async () => {
    const server = await startServer();
    const t = testContext({ service: () => createTestService() });
    expect(await freeCommand.run([`:${server.port}`, '--json'], t.ctx)).toBe(1);
    const json = JSON.parse(t.stdout()) as {
      free: boolean;
      holders: { owner: { pid: number } }[];
      nextFree: number;
    };
    expect(json.free).toBe(false);
    expect(json.holders[0]?.owner.pid).toBe(server.pid);
    expect(json.nextFree).toBeGreaterThan(server.port);
  });
});

describe('describeLookup', () => {
  it('tells "needs admin to bind" apart from "held by someone unseen"', () => {
    const base = { port: 80, holders: [], free: false, nextFree: 1024 };
    expect(
      describeLookup({
        ...base,
        bindTests: [{ protocol: 'tcp', family: 4, free: false, code: 'EACCES' }],
      })[0],
    ).toBe('Nothing holds port 80, but binding it needs admin rights (tcp: EACCES).');
    expect(
      describeLookup({
        ...base,
        bindTests: [{ protocol: 'tcp', family: 6, free: false, code: 'EADDRINUSE' }],
      })[0],
    ).toMatch(/in use by something Harbormaster cannot see.*tcp6: EADDRINUSE/);
  });
});
