import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPENER_ENV } from '../../actions/open.js';
import { testContext } from '../../actions/test-support/cli-context.js';
import { killTracked, spawnNode, startServer } from '../../actions/test-support/processes.js';
import { createTestService } from '../../actions/test-support/test-service.js';
import { openCommand } from './open.js';

describe.runIf(process.platform === 'linux')('harbormaster open', () => {
  let dir: string;
  let opener: string;
  let out: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-cli-open-'));
    out = join(dir, 'url.txt');
    opener = join(dir, 'opener.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${out}'\n`);
    chmodSync(opener, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    killTracked();
    rmSync(out, { force: true });
  });

  it('opens the server through HARBORMASTER_OPENER and prints the URL', async () => {
    const server = await startServer({ host: '0.0.0.0', http: true });
    const service = createTestService({ env: { [OPENER_ENV]: opener } });
    const t = testContext({ service: () => service });
    expect(await openCommand.run([String(server.port)], t.ctx), t.stderr()).toBe(0);
    const url = `http://127.0.0.1:${server.port}/`;
    expect(t.stdout()).toBe(`Opened ${url}\n`);
    expect(readFileSync(out, 'utf8')).toBe(url);
  });

  it('prints {"url"} with --json', async () => {
    const server = await startServer({ host: '::1', http: true });
    const service = createTestService({ env: { [OPENER_ENV]: opener } });
    const t = testContext({ service: () => service });
    expect(await openCommand.run([String(server.port), '--json'], t.ctx)).toBe(0);
    expect(JSON.parse(t.stdout())).toEqual({ url: `http://[::1]:${server.port}/` });
  });

  it('says nothing listens (exit 3) and opens nothing for UDP-only ports', async () => {
    const proc = spawnNode(
      `const s = require('dgram').createSocket('udp4'); s.bind(0, '127.0.0.1', () => process.stdout.write('bound ' + s.address().port + '\\n')); setInterval(() => {}, 1 << 30);`,
    );
    const port = (await proc.waitForLine(/^bound (\d+)$/))[1] ?? '';
    const service = createTestService({ env: { [OPENER_ENV]: opener } });
    const t = testContext({ service: () => service });
    expect(await openCommand.run([port], t.ctx)).toBe(3);
    expect(t.stderr()).toContain(`Nothing is listening on TCP port ${port}`);
  });
});
