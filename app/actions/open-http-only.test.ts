import { dispatch } from '../contract/dispatch.js';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBeanstalkd, startRawService, type Daemon } from '../health/test-support/daemons.js';
import { createHarbormasterService } from '../service/create-service.js';
import type { HarbormasterService } from '../service/types.js';
import { OPENER_ENV } from './open.js';
import { killTracked, startServer } from './test-support/processes.js';

// Issue 9, item 5: `open` opens only what answered HTTP, in every face: the built CLI, and the
// service's open that the window, serve and the tray call. A recording opener shows whether it ran.
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/harbormaster.js', import.meta.url));
const root = process.platform === 'linux' && process.getuid?.() === 0;
if (!root) console.warn('open-http-only tests skipped: they start a real beanstalkd as root on Linux');

describe.runIf(root)('open only opens what speaks HTTP', () => {
  let dir: string;
  let opener: string;
  let out: string;
  let beanstalkd: Daemon;
  let raw: Daemon;
  let http: number;
  let service: HarbormasterService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trust-probe-open-'));
    out = join(dir, 'opened.txt');
    opener = join(dir, 'opener.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${out}'\n`);
    chmodSync(opener, 0o755);
    beanstalkd = await startBeanstalkd();
    raw = await startRawService();
    http = (await startServer({ http: true })).port;
    service = await createHarbormasterService({
      autoProbe: false,
      startPolling: false,
      env: { ...process.env, [OPENER_ENV]: opener },
    });
  }, 60_000);
  afterEach(() => rmSync(out, { force: true }));
  afterAll(async () => {
    await service.dispose();
    killTracked();
    await beanstalkd.stop();
    await raw.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before this test.');
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { timeout: 30_000, env: { ...process.env, [OPENER_ENV]: opener } },
        (e, stdout, stderr) =>
          resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  async function listenerId(port: number): Promise<string> {
    await service.getSnapshot();
    const l = (await service.getSnapshot()).listeners.find((x) => x.port === port && x.protocol === 'tcp');
    if (!l) throw new Error(`port ${port} not scanned`);
    return l.id;
  }

  it('CLI: refuses beanstalkd, says it does not speak HTTP, and never runs the opener', async () => {
    const r = await cli(['open', String(beanstalkd.port)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Not opened: TCP 127.0.0.1:${beanstalkd.port} does not speak HTTP.`);
    expect(r.stderr).toContain('said nothing');
    expect(r.stderr).toContain(`harbormaster open ${beanstalkd.port} --anyway`);
    expect(existsSync(out)).toBe(false);
    // And beanstalkd was sent nothing it rejects.
    expect(await beanstalkd.log()).not.toMatch(/command/);
  });

  it('CLI: refuses a silent raw-TCP service after asking it over HTTP, and says so', async () => {
    const r = await cli(['open', String(raw.port), '--json']);
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('NOT_HTTP');
    expect(error.message).toContain('sent no HTTP response in time');
    expect(existsSync(out)).toBe(false);
  });

  it('CLI: opens a real HTTP server', async () => {
    const r = await cli(['open', String(http)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Opened http://127.0.0.1:${http}/\n`);
    expect(readFileSync(out, 'utf8')).toBe(`http://127.0.0.1:${http}/`);
  });

  it('CLI: --anyway opens the raw service knowingly', async () => {
    const r = await cli(['open', String(raw.port), '--anyway']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`http://127.0.0.1:${raw.port}/`);
  });

  it('service (window, serve, tray): refuses beanstalkd and the raw service, opens HTTP, and honours anyway', async () => {
    const refused = await service.open({ listenerId: await listenerId(beanstalkd.port) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_HTTP' } });
    const silent = await service.open({ listenerId: await listenerId(raw.port) });
    expect(silent).toMatchObject({
      ok: false,
      error: { code: 'NOT_HTTP', message: expect.stringContaining('sent no HTTP response') },
    });
    expect(existsSync(out)).toBe(false);
    const opened = await service.open({ listenerId: await listenerId(http) });
    expect(opened).toEqual({ ok: true, value: { url: `http://127.0.0.1:${http}/` } });
    rmSync(out, { force: true });
    const anyway = await service.open({ listenerId: await listenerId(beanstalkd.port), anyway: true });
    expect(anyway).toEqual({ ok: true, value: { url: `http://127.0.0.1:${beanstalkd.port}/` } });
    expect(readFileSync(out, 'utf8')).toBe(`http://127.0.0.1:${beanstalkd.port}/`);
  });

  it('rejects an anyway flag that is not a boolean at the process edge', async () => {
    // Every transport validates through the contract's dispatch; the service takes typed requests.
    const r = await dispatch(service, 'open', { listenerId: await listenerId(http), anyway: 'yes' });
    expect(r).toMatchObject({ kind: 'result', result: { ok: false, error: { code: 'INVALID_REQUEST' } } });
  });
});
