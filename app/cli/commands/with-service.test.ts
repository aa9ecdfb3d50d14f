import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPENER_ENV } from '../../actions/open.js';
import { makeSelfSignedCert, startHttpsServer } from '../../health/test-support/servers.js';
import { testContext } from '../../actions/test-support/cli-context.js';
import { isAlive, killTracked, startServer } from '../../actions/test-support/processes.js';
import { createHarbormasterService } from '../../service/create-service.js';
import type { HarbormasterService } from '../../service/types.js';
import { checkCommand } from './check.js';
import { freeCommand } from './free.js';
import { killCommand } from './kill.js';
import { openCommand } from './open.js';
import { whoCommand } from './who.js';

/**
 * The same commands against the real core (the lead's scanner, owners, poller and health
 * monitor wired by createHarbormasterService), as `harbormaster` runs them.
 */
describe.runIf(process.platform === 'linux')('port commands on the real service', () => {
  const services: HarbormasterService[] = [];
  let dir: string;
  let opener: string;
  const fresh = async (env: NodeJS.ProcessEnv = {}): Promise<HarbormasterService> => {
    // history: null — not about history, and `env` (no HOME) would resolve to the user's folder.
    const s = await createHarbormasterService({ autoProbe: false, startPolling: false, env, history: null });
    services.push(s);
    return s;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-cli-real-'));
    opener = join(dir, 'opener.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${join(dir, 'url.txt')}'\n`);
    chmodSync(opener, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    killTracked();
    await Promise.all(services.splice(0).map((s) => s.dispose()));
  });

  it('kill --yes frees a real server and exits 0', async () => {
    const server = await startServer();
    const service = await fresh();
    const t = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(server.port), '--yes', '--json'], t.ctx), t.stdout()).toBe(0);
    expect(JSON.parse(t.stdout())).toMatchObject({ outcome: 'freed', pid: server.pid });
    expect(isAlive(server.pid)).toBe(false);
  });

  it('who answers a held port from the scan alone, and asks for a lookup only with --json', async () => {
    const server = await startServer();
    const service = await fresh();
    let lookups = 0;
    const counting: HarbormasterService = {
      ...service,
      lookup: (request) => {
        lookups += 1;
        return service.lookup(request);
      },
    };
    const text = testContext({ service: () => counting });
    expect(await whoCommand.run([String(server.port)], text.ctx), text.stderr()).toBe(0);
    expect(text.stdout()).toContain(`pid ${server.pid}`);
    // No bind tests and no next-free search: the text answer for a held port prints neither.
    expect(lookups).toBe(0);
    const json = testContext({ service: () => counting });
    expect(await whoCommand.run([String(server.port), '--json'], json.ctx)).toBe(0);
    expect(lookups).toBe(1);
    expect(JSON.parse(json.stdout())).toMatchObject({ port: server.port, free: false });
  });

  it('free, check and open agree about a real HTTP server', async () => {
    const server = await startServer({ http: true });
    const service = await fresh({ [OPENER_ENV]: opener });
    const free = testContext({ service: () => service });
    expect(await freeCommand.run([String(server.port)], free.ctx)).toBe(1);
    expect(free.stdout()).toContain(`pid ${server.pid}`);
    const check = testContext({ service: () => service });
    expect(await checkCommand.run([String(server.port)], check.ctx), check.stdout()).toBe(0);
    expect(check.stdout()).toMatch(/HTTP 200/);
    const open = testContext({ service: () => service });
    expect(await openCommand.run([String(server.port)], open.ctx), open.stderr()).toBe(0);
    expect(readFileSync(join(dir, 'url.txt'), 'utf8')).toBe(`http://127.0.0.1:${server.port}/`);
  });

  // The certificate is made with openssl at test time (makeSelfSignedCert); `npm test` installs it
  // (scripts/setup/system-packages.json), so this requirement is never skipped.
  it('open probes first and opens a self-signed HTTPS server as https://', async () => {
    const server = await startHttpsServer(await makeSelfSignedCert(), (_req, res) =>
      res.end('<title>tls</title>'),
    );
    try {
      const service = await fresh({ [OPENER_ENV]: opener });
      const t = testContext({ service: () => service });
      expect(await openCommand.run([String(server.port)], t.ctx), t.stderr()).toBe(0);
      expect(readFileSync(join(dir, 'url.txt'), 'utf8')).toBe(`https://127.0.0.1:${server.port}/`);
    } finally {
      await server.close();
    }
  });
});
