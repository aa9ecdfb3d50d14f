import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The installed command end to end (`npm test` builds dist/ before the unit tests): in-process
// tests cannot see the process exiting early while it waits on the core's unref'd timers.
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/harbormaster.js', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.runIf(process.platform === 'linux')('the harbormaster command', () => {
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  beforeAll(async () => {
    if (!existsSync(built))
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test.');
    for (const source of [
      `require('node:http').createServer((q, s) => s.end('<title>Bin test</title>')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`,
      `require('node:net').createServer(() => {}).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`,
    ]) {
      const c = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(c);
      ports.push(
        await new Promise<number>((r) => c.stdout?.once('data', (d: Buffer) => r(Number(String(d).trim())))),
      );
    }
  });
  afterAll(() => {
    for (const c of children) if (c.pid) process.kill(c.pid, 'SIGKILL');
  });

  it('list --health probes in parallel and finishes with every result (a silent port costs its 2 s deadline once)', async () => {
    const started = Date.now();
    const r = await run(['list', '--tcp', '--health', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      listeners: { port: number; health: { state: string; status?: number; title?: string } }[];
    };
    const byPort = (p: number | undefined) => out.listeners.find((l) => l.port === p)?.health;
    expect(byPort(ports[0])).toMatchObject({ state: 'up', status: 200, title: 'Bin test' });
    expect(byPort(ports[1])?.state).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('who and list --json load only their own chunks: no zod, ws, systeminformation, serve or why (cold start, issue 14)', async () => {
    // A preload prints every file the command required (the CLI is CommonJS); zod alone is ~95
    // module files as a package, and its bundled copy lives in the contract-schemas chunk.
    const preload = `process.on('exit', () => { for (const f of Object.keys(require.cache)) process.stderr.write('LOADED ' + f + '\\n'); });`;
    const dir = mkdtempSync(join(tmpdir(), 'harbormaster-bin-test-'));
    const hook = join(dir, 'list-loaded.cjs');
    writeFileSync(hook, preload);
    try {
      for (const args of [
        ['who', String(ports[0])],
        ['list', '--json'],
      ]) {
        const loaded = await new Promise<string>((resolve) => {
          execFile(
            process.execPath,
            ['--require', hook, bin, ...args],
            { timeout: 20_000, env: { ...process.env, HARBORMASTER_DATA_DIR: dir } },
            (_e, _out, stderr) => resolve(stderr),
          );
        });
        expect(loaded, args.join(' ')).toContain('dist/cli/harbormaster.js');
        expect(loaded, args.join(' ')).toMatch(/dist\/cli\/port-core-[\w-]{8}\.js/);
        expect(loaded, args.join(' ')).not.toMatch(/node_modules\/(zod|ws|systeminformation)\//);
        expect(loaded, args.join(' ')).not.toMatch(
          /dist\/cli\/(schemas|server|serve|diagnose|why|kill|remote-dispatch|pins-file)-[\w-]{8}\.js/,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('who and list --json through a pipe load no stream machinery: no node:net, node:tty or cluster (cold start, issue 14)', async () => {
    // The CLI writes to fd 1 itself; process.stdout on a pipe would be a net.Socket.
    const preload = `const before = new Set(process.moduleLoadList); process.on('exit', () => { for (const m of process.moduleLoadList) if (!before.has(m)) require('node:fs').writeSync(2, m + '\\n'); });`;
    const dir = mkdtempSync(join(tmpdir(), 'harbormaster-bin-test-'));
    const hook = join(dir, 'builtins.cjs');
    writeFileSync(hook, preload);
    try {
      for (const args of [
        ['who', String(ports[0])],
        ['list', '--json'],
      ]) {
        const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            ['--require', hook, bin, ...args],
            { timeout: 20_000, env: { ...process.env, HARBORMASTER_DATA_DIR: dir } },
            (_e, stdout, stderr) => resolve({ stdout, stderr }),
          );
        });
        expect(r.stdout, args.join(' ')).toContain(String(ports[0]));
        expect(r.stderr, args.join(' ')).not.toMatch(/NativeModule (net|tty|cluster|perf_hooks)$/m);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reader that goes away (| head) ends the output quietly, with the command’s own exit code', async () => {
    const child = spawn(process.execPath, [bin, 'list', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('exits 2 for a bad port without scanning', async () => {
    const r = await run(['who', '619009']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1–65535');
  });
});
