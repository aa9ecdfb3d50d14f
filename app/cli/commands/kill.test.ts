import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from '../../actions/test-support/cli-context.js';
import { isAlive, killTracked, startServer, waitUntil } from '../../actions/test-support/processes.js';
import { createTestService } from '../../actions/test-support/test-service.js';
import type { KillSignal } from '../../actions/kill.js';
import { killCommand } from './kill.js';

/** A real test service whose signals are recorded (and really sent). */
function recordingService(extra: Parameters<typeof createTestService>[0] = {}) {
  const calls: { pid: number; signal: KillSignal }[] = [];
  const service = createTestService({
    respawnWindowMs: 200,
    graceMs: 600,
    ...extra,
    signal: (pid, signal) => {
      calls.push({ pid, signal });
      process.kill(pid, signal);
    },
  });
  return { service, calls };
}

describe('harbormaster kill: bad pids', () => {
  it.each(['0', '-1', '12abc', '1.5', '', ' 7'])(
    'rejects --pid %j with exit 2 before creating the core',
    async (pid) => {
      const t = testContext();
      expect(await killCommand.run(['3000', '--pid', pid, '--yes'], t.ctx)).toBe(2);
      expect(t.stderr()).toMatch(/process id|process group|every process/);
      expect(t.services()).toBe(0);
    },
  );

  it('accepts --pid=VALUE too', async () => {
    const t = testContext();
    expect(await killCommand.run(['3000', '--pid=-1', '--yes'], t.ctx)).toBe(2);
    expect(t.stderr()).toMatch(/every process/);
  });
});

describe.runIf(process.platform === 'linux')('harbormaster kill with real processes', () => {
  afterEach(() => killTracked());

  it('refuses to kill without --yes when not interactive, and signals nothing', async () => {
    const server = await startServer();
    const { service, calls } = recordingService();
    const t = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(server.port)], t.ctx)).toBe(2);
    expect(t.stderr()).toContain('--yes');
    expect(calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('shows who it would kill and does nothing when the user says no', async () => {
    const server = await startServer();
    const { service, calls } = recordingService();
    const t = testContext({ service: () => service, answers: ['n'] });
    expect(await killCommand.run([String(server.port)], t.ctx)).toBe(5);
    expect(t.stdout()).toContain(`pid ${server.pid}`);
    expect(t.stdout()).toMatch(/node\s+pid \d+\s+user root\s+up \d+s/);
    expect(t.stdout()).toContain('command: ');
    expect(t.stdout()).toContain(`tcp 127.0.0.1:${server.port}`);
    expect(t.prompts[0]).toMatch(/^Stop node \(pid \d+\) with SIGTERM\? \[y\/N\] $/);
    expect(t.stdout()).toContain('nothing was signalled');
    expect(calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('kills after a yes at the prompt and reports the port freed (exit 0)', async () => {
    const server = await startServer();
    const { service, calls } = recordingService();
    const t = testContext({ service: () => service, answers: ['y'] });
    expect(await killCommand.run([String(server.port)], t.ctx)).toBe(0);
    expect(t.stdout()).toMatch(new RegExp(`port ${server.port} is free`));
    expect(calls).toEqual([{ pid: server.pid, signal: 'SIGTERM' }]);
    expect(await waitUntil(() => !isAlive(server.pid))).toBe(true);
  });

  it('prints the verified report as JSON with --json --yes', async () => {
    const server = await startServer();
    const { service } = recordingService();
    const t = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([`127.0.0.1:${server.port}`, '--yes', '--json'], t.ctx)).toBe(0);
    expect(JSON.parse(t.stdout())).toMatchObject({
      outcome: 'freed',
      pid: server.pid,
      port: server.port,
      signals: ['SIGTERM'],
    });
  });

  it('says a SIGTERM-ignoring server is still running (exit 1), then --force frees it', async () => {
    const server = await startServer({ ignoreTerm: true });
    const { service, calls } = recordingService();
    const first = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(server.port), '--yes'], first.ctx)).toBe(1);
    expect(first.stdout()).toContain('--force');
    expect(isAlive(server.pid)).toBe(true);
    const second = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(server.port), '--yes', '--force'], second.ctx)).toBe(0);
    expect(calls.map((c) => c.signal)).toEqual(['SIGTERM', 'SIGTERM', 'SIGKILL']);
  });

  it('with several owners, asks which one, or requires --pid', async () => {
    const a = await startServer({ host: '127.0.0.1' });
    const b = await startServer({ host: '::1', port: a.port });
    const { service, calls } = recordingService();

    const scripted = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(a.port), '--yes'], scripted.ctx)).toBe(2);
    expect(scripted.stderr()).toContain('--pid');
    expect(calls).toEqual([]);

    const wrongPid = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(a.port), '--yes', '--pid', String(process.pid)], wrongPid.ctx)).toBe(
      3,
    );
    expect(calls).toEqual([]);

    const interactive = testContext({ service: () => service, answers: ['2', 'y'] });
    expect(await killCommand.run([String(a.port)], interactive.ctx)).toBe(1);
    expect(interactive.prompts[0]).toMatch(/Which one\? \[1-2/);
    // Only the chosen process was signalled; the other still holds the port, and we say so.
    expect(calls).toHaveLength(1);
    const chosen = calls[0]?.pid;
    const other = chosen === a.pid ? b.pid : a.pid;
    expect([a.pid, b.pid]).toContain(chosen);
    expect(interactive.stdout()).toContain(`still held by node (pid ${other})`);
    expect(isAlive(other)).toBe(true);

    const byPid = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(a.port), '--yes', '--pid', String(other)], byPid.ctx)).toBe(0);
  });

  it('refuses a protected target with exit 3 and signals nothing', async () => {
    const server = await startServer();
    const { service, calls } = recordingService({ ancestors: async () => [process.pid, server.pid] });
    const t = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(server.port), '--yes'], t.ctx)).toBe(3);
    expect(t.stderr()).toMatch(/parent processes/);
    expect(calls).toEqual([]);
    expect(isAlive(server.pid)).toBe(true);
  });

  it('reports permission denied with the elevated command (exit 4)', async () => {
    const server = await startServer();
    const service = createTestService({
      signal: () => {
        throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
      },
    });
    const t = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(server.port), '--yes'], t.ctx)).toBe(4);
    expect(t.stdout()).toContain(`sudo kill -TERM ${server.pid}`);
  });

  it('says nothing listens on a free port (exit 3)', async () => {
    const server = await startServer();
    process.kill(server.pid, 'SIGKILL');
    await waitUntil(() => !isAlive(server.pid));
    const { service, calls } = recordingService();
    const t = testContext({ service: () => service, answers: null });
    expect(await killCommand.run([String(server.port), '--yes'], t.ctx)).toBe(3);
    expect(t.stderr()).toContain(`Nothing is listening on port ${server.port}`);
    expect(calls).toEqual([]);
  });
});
