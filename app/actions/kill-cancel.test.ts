import { afterEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../contract/schemas.js';
import type { KillSignal } from './kill.js';
import { bindTest } from './lookup.js';
import { isAlive, killTracked, startServer } from './test-support/processes.js';
import { createTestService } from './test-support/test-service.js';

// Issue 16 item 3: Cancel during the kill's wait reaches the core. Before, the window only closed
// its dialog while the pipeline went on to send SIGKILL when the grace period ran out.

const linux = process.platform === 'linux';

describe.runIf(linux)('cancelling a kill while it waits', () => {
  afterEach(() => killTracked());

  it('sends no SIGKILL after Cancel: the SIGTERM-ignoring server is still alive, and the report says so', async () => {
    const calls: { pid: number; signal: KillSignal }[] = [];
    let termSent!: () => void;
    const termed = new Promise<void>((r) => (termSent = r));
    const service = createTestService({
      signal: (pid, signal) => {
        calls.push({ pid, signal });
        process.kill(pid, signal);
        if (signal === 'SIGTERM') termSent();
      },
      // Long enough that only a Cancel can end the wait before SIGKILL would be due.
      graceMs: 30_000,
      respawnWindowMs: 300,
    });
    const server = await startServer({ ignoreTerm: true });
    const snap = await service.getSnapshot();
    const l = snap.listeners.find((x) => x.port === server.port && x.owner.pid === server.pid);
    if (!l || l.owner.kind !== 'process') throw new Error(`pid ${server.pid} not seen on ${server.port}`);

    const started = performance.now();
    const killing = service.kill({
      listenerId: l.id,
      pid: server.pid,
      startToken: l.owner.startToken,
      mode: 'force',
      killId: 'h-click-cancel-1',
    });
    await termed;
    expect(await service.cancelKill({ killId: 'h-click-cancel-1' })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
    const result = await killing;
    expect(result).toMatchObject({ ok: true, value: { outcome: 'cancelled', signals: ['SIGTERM'] } });
    const message = result.ok ? result.value.message : '';
    expect(message).toContain('SIGKILL was not sent');
    expect(message).toContain(`still holds tcp port ${server.port}`);
    // Not a speed target: the 30 s grace period was not waited through.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(calls.map((c) => c.signal)).toEqual(['SIGTERM']);
    expect(isAlive(server.pid)).toBe(true);
    expect(await bindTest('tcp', 4, '127.0.0.1', server.port)).not.toEqual({ free: true });

    // The id is spent: a second Cancel finds nothing running.
    expect(await service.cancelKill({ killId: 'h-click-cancel-1' })).toEqual({
      ok: true,
      value: { cancelled: false },
    });
  });

  it('a kill that is not cancelled still ends in SIGKILL', async () => {
    const calls: KillSignal[] = [];
    const service = createTestService({
      signal: (pid, signal) => {
        calls.push(signal);
        process.kill(pid, signal);
      },
      graceMs: 300,
      respawnWindowMs: 300,
    });
    const server = await startServer({ ignoreTerm: true });
    const snap = await service.getSnapshot();
    const l = snap.listeners.find((x) => x.port === server.port && x.owner.pid === server.pid);
    if (!l || l.owner.kind !== 'process') throw new Error(`pid ${server.pid} not seen on ${server.port}`);
    const result = await service.kill({
      listenerId: l.id,
      pid: server.pid,
      startToken: l.owner.startToken,
      mode: 'force',
      killId: 'h-click-cancel-2',
    });
    expect(result).toMatchObject({ ok: true, value: { outcome: 'freed', signals: ['SIGTERM', 'SIGKILL'] } });
    expect(calls).toEqual(['SIGTERM', 'SIGKILL']);
    expect(isAlive(server.pid)).toBe(false);
  });

  it('checks the kill id at the process edge', () => {
    const base = { listenerId: 'tcp4|127.0.0.1|80|pid1234', pid: 1234, startToken: '5', mode: 'force' };
    expect(parseRequest('kill', { ...base, killId: 'abcdef12-3456' }).ok).toBe(true);
    expect(parseRequest('kill', { ...base, killId: 'short' }).ok).toBe(false);
    expect(parseRequest('cancelKill', { killId: 'abcdef12-3456' }).ok).toBe(true);
    expect(parseRequest('cancelKill', { killId: '../../etc' }).ok).toBe(false);
    expect(parseRequest('cancelKill', {}).ok).toBe(false);
  });
});
