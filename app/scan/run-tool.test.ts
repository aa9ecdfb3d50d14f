import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning } from '../testing/wait.js';
import { createFallbackScanner } from './fallback-scanner.js';
import { runTool } from './run-tool.js';
import { createSsScanner } from './ss-scanner.js';
import { createStandInTools, type StandInTools } from './test-support/stand-in-tool.js';

const posix = process.platform !== 'win32';

describe.runIf(posix && process.platform === 'linux')('runTool kills the whole process group', () => {
  let tools: StandInTools;
  beforeAll(() => {
    tools = createStandInTools();
  });
  afterAll(() => {
    tools?.remove();
  });

  /** A tool that forks a grandchild, writes both pids to `name.pids`, then waits. */
  const forking = (name: string, thenExit = false) =>
    tools.script(
      name,
      [
        'sleep 30 &',
        `echo "$$ $!" > '${tools.dir}/${name}.pids'`,
        thenExit ? 'echo done; exit 0' : 'sleep 30',
      ].join('\n'),
    );
  const pidsOf = (name: string) =>
    readFileSync(join(tools.dir, `${name}.pids`), 'utf8')
      .trim()
      .split(' ')
      .map(Number);
  /** Waits until the tool has written both pids (the file exists a moment before its content). */
  const waitForPids = async (name: string): Promise<void> => {
    const file = join(tools.dir, `${name}.pids`);
    while (!existsSync(file) || !/^\d+ \d+\n$/.test(readFileSync(file, 'utf8')))
      await new Promise((r) => setTimeout(r, 10));
  };

  it('on abort: the tool and its grandchild are gone when the promise settles', async () => {
    const file = forking('aborted');
    const controller = new AbortController();
    const run = runTool(file, [], { timeoutMs: 20_000, signal: controller.signal });
    await waitForPids('aborted');
    const [tool, grandchild] = pidsOf('aborted') as [number, number];
    expect(isRunning(grandchild)).toBe(true);
    controller.abort();
    const r = await run;
    expect(r).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(r.ok || r.error.message).toMatch(/deadline/);
    expect(isRunning(tool)).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('on its own timeout: the grandchild dies with the tool', async () => {
    const file = forking('slow');
    const r = await runTool(file, [], { timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    const [tool, grandchild] = pidsOf('slow') as [number, number];
    expect(isRunning(tool)).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('after a normal exit: a straggler it left in its group is killed', async () => {
    const file = forking('quick', true);
    const r = await runTool(file, [], { timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: true, stdout: 'done\n' });
    const [, grandchild] = pidsOf('quick') as [number, number];
    expect(isRunning(grandchild)).toBe(false);
  });

  it('is not started at all when the scan was already aborted', async () => {
    const marker = join(tools.dir, 'started');
    const file = tools.script('never', `touch '${marker}'`);
    const controller = new AbortController();
    controller.abort();
    expect(await runTool(file, [], { signal: controller.signal })).toMatchObject({
      ok: false,
      error: { code: 'TIMEOUT' },
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps TOOL_MISSING, EPERM and SCAN_FAILED distinct', async () => {
    expect(await runTool(tools.missing('x'), [])).toMatchObject({
      ok: false,
      error: { code: 'TOOL_MISSING' },
    });
    expect(await runTool(tools.dir, [])).toMatchObject({ ok: false, error: { code: 'EPERM' } });
    const failing = tools.script('failing', 'echo "bad thing" >&2; exit 3');
    const r = await runTool(failing, []);
    expect(r).toMatchObject({ ok: false, error: { code: 'SCAN_FAILED' } });
    expect(r.ok || r.error.message).toMatch(/exit 3.*bad thing/);
    const chatty = tools.script('chatty', 'yes x | head -c 100000');
    expect(await runTool(chatty, [], { maxBytes: 1000 })).toMatchObject({
      ok: false,
      error: { code: 'SCAN_FAILED' },
    });
  });

  it('an aborted fallback chain starts no further backend', async () => {
    const marker = join(tools.dir, 'second-ran');
    const first = forking('first');
    const second = tools.script('second', `touch '${marker}'`);
    const chain = createFallbackScanner([
      createSsScanner({ candidates: [first], timeoutMs: 20_000 }),
      createSsScanner({ candidates: [second] }),
    ]);
    const controller = new AbortController();
    const scan = chain.scan(controller.signal);
    await waitForPids('first');
    controller.abort();
    expect(await scan).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(existsSync(marker)).toBe(false);
    const [tool, grandchild] = pidsOf('first') as [number, number];
    expect(isRunning(tool) || isRunning(grandchild)).toBe(false);
  });

  it('a second caller of the chain waits and then scans afresh: never two tools at once', async () => {
    const log = join(tools.dir, 'runs.log');
    // An empty `ss` listing is "no listeners": enough for the chain to succeed.
    const tool = tools.script(
      'quiet',
      [
        `echo "start $(date +%s%N)" >> '${log}'`,
        'sleep 0.3',
        `echo "end $(date +%s%N)" >> '${log}'`,
        'exit 0',
      ].join('\n'),
    );
    const chain = createFallbackScanner([createSsScanner({ candidates: [tool] })]);
    const [a, b] = await Promise.all([chain.scan(), chain.scan()]);
    expect(a.ok && b.ok).toBe(true);
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    expect(events).toEqual(['start', 'end', 'start', 'end']);
  });
});
