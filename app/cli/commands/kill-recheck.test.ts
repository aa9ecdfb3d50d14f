import { afterEach, describe, expect, it } from 'vitest';
import { testContext } from '../../actions/test-support/cli-context.js';
import {
  startCloser,
  startMultiPortServer,
  startShellThenOther,
} from '../../actions/test-support/kill-processes.js';
import {
  freePort,
  isAlive,
  killTracked,
  startServer,
  startSupervisor,
  waitUntil,
} from '../../actions/test-support/processes.js';
import { createTestService } from '../../actions/test-support/test-service.js';
import type { KillSignal } from '../../actions/kill.js';
import { killCommand } from './kill.js';

// `harbormaster kill P` answered y at the prompt (issue 9 items 2 and 9), with real processes.

/** A real test service whose signals are recorded; a long respawn window for slow respawns under load. */
function recordingService(respawnWindowMs = 5000) {
  const calls: { pid: number; signal: KillSignal }[] = [];
  const service = createTestService({
    respawnWindowMs,
    graceMs: 1500,
    signal: (pid, signal) => {
      calls.push({ pid, signal });
      process.kill(pid, signal);
    },
  });
  return { service, calls };
}

/** A CLI context whose prompt runs `whileAsked` (the user reading it), then answers `y`. */
function answeringYes(
  service: ReturnType<typeof createTestService>,
  whileAsked: () => Promise<void> = async () => {},
) {
  const t = testContext({ service: () => service, answers: ['y'] });
  const ask = t.ctx.prompt;
  const ctx = {
    ...t.ctx,
    prompt: async (q: string) => {
      await whileAsked();
      return ask ? ask(q) : '';
    },
  };
  return { ...t, ctx };
}

describe.runIf(process.platform === 'linux')('harbormaster kill: facts checked after yes', () => {
  afterEach(() => killTracked());

  it('signals nothing, exits 3 and names the new holder when the port changed hands at the prompt', async () => {
    const holder = await startCloser();
    const { service, calls } = recordingService();
    let otherPid = 0;
    const t = answeringYes(service, async () => {
      await holder.closeListener();
      otherPid = (await startServer({ port: holder.port })).pid;
    });
    expect(await killCommand.run([String(holder.port)], t.ctx)).toBe(3);
    expect(t.stderr()).toContain(
      `pid ${holder.pid} no longer holds tcp 127.0.0.1:${holder.port}; it is now held by node (pid ${otherPid}). Nothing was signalled.`,
    );
    expect(calls).toEqual([]);
    expect(isAlive(holder.pid)).toBe(true);
    expect(isAlive(otherPid)).toBe(true);
  });

  it('says a real supervisor restarted it, with the evidence (exit 1)', async () => {
    const supervisor = await startSupervisor(await freePort());
    const port = Number((await supervisor.waitForLine(/^listening (\d+)$/))[1]);
    const { service, calls } = recordingService();
    const t = answeringYes(service);
    expect(await killCommand.run([String(port)], t.ctx)).toBe(1);
    expect(calls).toEqual([{ pid: supervisor.firstChild, signal: 'SIGTERM' }]);
    expect(t.stdout()).toMatch(/restarted by its supervisor as node \(pid \d+\)/);
    expect(t.stdout()).toContain(
      `started by pid ${supervisor.pid} (node), which started the same command again`,
    );
  });

  it('says "a new process … now holds it", without a supervisor claim, for a plain shell (exit 1)', async () => {
    const shell = await startShellThenOther(await freePort());
    const port = Number(shell.lines.find((l) => l.startsWith('listening '))?.split(' ')[1]);
    const { service } = recordingService();
    const t = answeringYes(service);
    expect(await killCommand.run([String(port)], t.ctx)).toBe(1);
    const other = await waitUntil(() => shell.lines.some((l) => l.startsWith('other ')));
    expect(other).toBe(true);
    const newPid = shell.lines.find((l) => l.startsWith('other '))?.split(' ')[1];
    expect(t.stdout()).toContain(`a new process node (pid ${newPid}) now holds it`);
    expect(t.stdout()).not.toMatch(/supervisor|started by/);
  });

  it('lists every TCP and UDP port the process holds at the prompt, and each one’s fate after', async () => {
    const multi = await startMultiPortServer();
    const first = multi.sockets.find((s) => s.protocol === 'tcp' && s.address === '127.0.0.1');
    if (!first) throw new Error('no tcp socket');
    const { service } = recordingService(300);
    const t = answeringYes(service);
    expect(await killCommand.run([`127.0.0.1:${first.port}`], t.ctx)).toBe(0);
    const shown = (s: { protocol: string; address: string; port: number }, v6suffix: boolean) =>
      `${s.protocol}${v6suffix && s.address.includes(':') ? '6' : ''} ${
        s.address.includes(':') ? `[${s.address}]` : s.address
      }:${s.port}`;
    const listens =
      t
        .stdout()
        .split('\n')
        .find((l) => l.includes('listens:')) ?? '';
    for (const s of multi.sockets) expect(listens).toContain(shown(s, true));
    expect(t.prompts[0]).toContain('It also frees the 3 other listeners listed.');
    for (const s of multi.sockets.filter((x) => x !== first))
      expect(t.stdout()).toContain(`${shown(s, false)} (freed)`);
  });
});
