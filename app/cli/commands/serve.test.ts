import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingService, fakeListener } from '../../serve/test-support/recording-service.js';
import { waitUntil } from '../../testing/wait.js';
import type { CliContext } from '../types.js';
import { createServeCommand } from './serve.js';

let dir = '';
let rendererDir = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hm-serve-cli-'));
  rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Harbormaster</title>');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function harness(): { ctx: CliContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    ctx: {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      prompt: null,
      service: () => Promise.reject(new Error('serve creates its own polling core')),
      env: { ...process.env, HARBORMASTER_OPENER: '' },
    },
    out: () => out,
    err: () => err,
  };
}

function fetchStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('harbormaster serve', () => {
  it('prints a loopback URL with the token, serves it, and stops cleanly with exit 0', async () => {
    const service = createRecordingService();
    let disposed = false;
    const origDispose = service.dispose.bind(service);
    service.dispose = async () => {
      disposed = true;
      await origDispose();
    };
    let stop: (signal: string) => void = () => undefined;
    const command = createServeCommand({
      createService: async () => service,
      rendererDir: () => rendererDir,
      waitForStop: () => new Promise((resolve) => (stop = resolve)),
    });
    const h = harness();
    const running = command.run(['--port', '0', '--no-open'], h.ctx);
    await waitUntil(() => h.out().includes('#token='));
    const url = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})/.exec(h.out());
    expect(url).not.toBeNull();
    expect(await fetchStatus(`http://127.0.0.1:${url?.[1]}/`)).toBe(200);
    stop('SIGINT');
    expect(await running).toBe(0);
    expect(disposed).toBe(true);
    await expect(fetchStatus(`http://127.0.0.1:${url?.[1]}/`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('hands the --opener program a private launch page that redirects to the printed URL, never the token', async () => {
    const log = path.join(dir, 'opened.txt');
    const opener = path.join(dir, 'opener.sh');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${log}'\n`);
    chmodSync(opener, 0o755);
    const runtime = path.join(dir, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    let stop: (signal: string) => void = () => undefined;
    const command = createServeCommand({
      createService: async () => createRecordingService(),
      rendererDir: () => rendererDir,
      waitForStop: () => new Promise((resolve) => (stop = resolve)),
    });
    const h = harness();
    const ctx = { ...h.ctx, env: { ...h.ctx.env, XDG_RUNTIME_DIR: runtime } };
    const running = command.run(['--port=0', '--opener', opener], ctx);
    await waitUntil(() => existsSync(log) && readFileSync(log, 'utf8').includes('file://'));
    const printed = /http:\/\/\S+/.exec(h.out())?.[0] ?? '';
    const token = /#token=(\S+)/.exec(printed)?.[1] ?? '';
    expect(token).toHaveLength(43);
    const argv = readFileSync(log, 'utf8').trim();
    expect(argv).not.toContain(token);
    const page = fileURLToPath(argv);
    expect(path.dirname(page)).toBe(path.join(runtime, 'harbormaster'));
    expect(readFileSync(page, 'utf8')).toContain(`content="0;url=${printed}"`);
    stop('SIGTERM');
    expect(await running).toBe(0);
    expect(existsSync(page)).toBe(false);
  });

  it('says who holds a taken port and exits 1, or moves to a free port with --any-port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const h = harness();
      const refuse = createServeCommand({
        createService: async () => createRecordingService([fakeListener(taken, 777, 'webpack')]),
        rendererDir: () => rendererDir,
        waitForStop: () => Promise.resolve('SIGINT'),
      });
      expect(await refuse.run(['--port', String(taken), '--no-open'], h.ctx)).toBe(1);
      expect(h.err()).toContain(`Port ${taken} is already in use by webpack (pid 777`);
      expect(h.err()).toContain('--port 0');

      const h2 = harness();
      expect(await refuse.run(['--port', String(taken), '--no-open', '--any-port'], h2.ctx)).toBe(0);
      expect(h2.out()).toContain(`Port ${taken} is in use by webpack (pid 777`);
      expect(h2.out()).toMatch(/serving on http:\/\/127\.0\.0\.1:\d+\/#token=/);
    } finally {
      blocker.close();
    }
  });

  it.each([['619009'], ['0x50'], ['-1'], [''], ['1e3']])(
    'rejects --port %j with the valid range and exit 2',
    async (value) => {
      const h = harness();
      const command = createServeCommand({ rendererDir: () => rendererDir });
      expect(await command.run(['--port', value, '--no-open'], h.ctx)).toBe(2);
      expect(h.err()).toContain('1–65535');
    },
  );

  it('rejects unknown options, arguments and a relative --opener with exit 2', async () => {
    const command = createServeCommand({ rendererDir: () => rendererDir });
    for (const args of [['--host', '0.0.0.0'], ['extra'], ['--opener', 'relative/path']]) {
      const h = harness();
      expect(await command.run(args, h.ctx)).toBe(2);
      expect(h.err().length).toBeGreaterThan(0);
    }
  });

  it('says to build first when the UI bundle is missing', async () => {
    const h = harness();
    const command = createServeCommand({ rendererDir: () => null });
    expect(await command.run(['--no-open'], h.ctx)).toBe(1);
    expect(h.err()).toContain('npm run build');
  });
});
