import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAndRebind,
  plainShellReplacement,
  supervisorRespawn,
  type KillFace,
} from '../actions/test-support/kill-scenarios.js';
import { isAlive, killTracked } from '../actions/test-support/processes.js';
import { createHealthMonitor } from '../health/monitor.js';
import { createHarbormasterService } from './create-service.js';
import type { HarbormasterService } from './types.js';

// The service API the window (and tray) call: the kill dialog can stay open for minutes, so the
// facts are checked when the user confirms, not when the dialog opened (issue 9 item 2).

describe.runIf(process.platform === 'linux')('service.kill acts only on facts checked after yes', () => {
  let service: HarbormasterService;
  let face: KillFace;
  beforeAll(async () => {
    // Probe nothing: other test files count the connections their servers receive.
    const monitor = createHealthMonitor({ selfPid: process.pid });
    service = await createHarbormasterService({
      health: { ...monitor, observe: () => undefined },
      killRespawnWindowMs: 5000,
    });
    face = {
      // What the window shows: the snapshot it was pushed when the dialog opened.
      snapshot: () => service.getSnapshot(),
      async kill(request, whileConfirming) {
        await whileConfirming();
        return service.kill(request);
      },
    };
  });
  afterAll(async () => {
    await service?.dispose();
  });
  afterEach(() => killTracked());

  it('signals nothing and names the new holder when the port changed hands while the dialog was open', async () => {
    const { result, holderPid, port, otherPid } = await closeAndRebind(face);
    expect(result).toMatchObject({ ok: false, error: { code: 'NO_LONGER_HOLDS' } });
    if (!result.ok) {
      expect(result.error.message).toBe(
        `pid ${holderPid} no longer holds tcp 127.0.0.1:${port}; it is now held by node (pid ${otherPid}). Nothing was signalled.`,
      );
    }
    expect(isAlive(holderPid)).toBe(true);
    expect(isAlive(otherPid)).toBe(true);
  });

  it('reports a restart by a real supervisor with the evidence', async () => {
    const { result, supervisorPid, lines } = await supervisorRespawn(face);
    expect(result).toMatchObject({
      ok: true,
      value: { outcome: 'restarted', restartedBy: { pid: supervisorPid, evidence: 'respawned' } },
    });
    if (result.ok) expect(lines).toContain(`child ${result.value.heldBy?.pid ?? 0}`);
  });

  it('reports a different program from a plain shell as a new process, with no supervisor claim', async () => {
    const { result, lines } = await plainShellReplacement(face);
    expect(result).toMatchObject({ ok: true, value: { outcome: 'replaced', restartedBy: null } });
    if (!result.ok) return;
    const newPid = result.value.heldBy?.pid ?? 0;
    expect(lines).toContain(`other ${newPid}`);
    expect(result.value.message).toContain(`a new process node (pid ${newPid}) now holds it`);
    expect(result.value.message).not.toMatch(/supervisor|started by/);
  });
});
