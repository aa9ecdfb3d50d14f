import type { KillRequest } from '../../contract/api.js';
import type { KillReport } from '../../model/actions.js';
import type { Result } from '../../model/errors.js';
import type { Snapshot } from '../../model/snapshot.js';
import { startCloser, startShellThenOther } from './kill-processes.js';
import { expect, it } from 'vitest';
import { freePort, isAlive, startServer, startSupervisor } from './processes.js';

/**
 * The three "facts checked after yes" scenarios of issue 9 item 2, run the same way through any
 * face: `snapshot` is what the face shows the user, `kill` sends the confirmed request, and
 * `whileConfirming` runs between the two (the user reading the prompt or dialog).
 */
export interface KillFace {
  snapshot(): Promise<Snapshot>;
  kill(request: KillRequest, whileConfirming: () => Promise<void>): Promise<Result<KillReport>>;
}

/** The request the face sends once its list shows `pid` on `port` (a polling face may need a moment). */
async function requestFrom(face: KillFace, pid: number, port: number): Promise<KillRequest> {
  const end = Date.now() + 10_000;
  for (;;) {
    const snap = await face.snapshot();
    const l = snap.listeners.find(
      (x) => x.port === port && x.protocol === 'tcp' && x.owner.kind === 'process' && x.owner.pid === pid,
    );
    if (l && l.owner.kind === 'process') {
      return { listenerId: l.id, pid, startToken: l.owner.startToken, mode: 'graceful' };
    }
    if (Date.now() > end) throw new Error(`pid ${pid} not seen on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** (a) The holder closes its listener and stays alive, another process binds P, then the user says yes. */
export async function closeAndRebind(face: KillFace) {
  const holder = await startCloser();
  const request = await requestFrom(face, holder.pid, holder.port);
  let otherPid = 0;
  const result = await face.kill(request, async () => {
    await holder.closeListener();
    otherPid = (await startServer({ port: holder.port })).pid;
  });
  return { result, holderPid: holder.pid, port: holder.port, otherPid };
}

/** (b) A real supervisor (a parent that respawns its child with the same command) restarts the server. */
export async function supervisorRespawn(face: KillFace) {
  const supervisor = await startSupervisor(await freePort());
  const port = Number((await supervisor.waitForLine(/^listening (\d+)$/))[1]);
  const request = await requestFrom(face, supervisor.firstChild, port);
  const result = await face.kill(request, async () => undefined);
  return { result, supervisorPid: supervisor.pid, oldPid: supervisor.firstChild, lines: supervisor.lines };
}

/** (c) A plain shell (no supervisor) runs a different program on the port after the first exits. */
export async function plainShellReplacement(face: KillFace) {
  const shell = await startShellThenOther(await freePort());
  const port = Number(shell.lines.find((l) => l.startsWith('listening '))?.split(' ')[1]);
  const request = await requestFrom(face, shell.firstPid, port);
  const result = await face.kill(request, async () => undefined);
  return { result, shellPid: shell.shellPid, oldPid: shell.firstPid, lines: shell.lines };
}

/**
 * The three scenarios as tests, for any face (the service in process, serve's WebSocket): one
 * copy of the expectations, so the faces cannot drift apart.
 */
export function killScenarioTests(face: KillFace): void {
  it('signals nothing and names the new holder when the port changed hands before the user confirmed', async () => {
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
    if (result.ok) {
      expect(lines).toContain(`child ${result.value.heldBy?.pid ?? 0}`);
      expect(result.value.message).toContain(`started by pid ${supervisorPid}`);
    }
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
}
