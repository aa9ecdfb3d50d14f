import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { killListenerOwner, type KillDeps } from './kill.js';
import { bindTest } from './lookup.js';
import { createCoreSource } from './test-support/core-source.js';
import { scannedRequest as requestFor, spySignal } from './test-support/kill-helpers.js';
import { startCloser, startMultiPortServer, startShellThenOther } from './test-support/kill-processes.js';
import {
  freePort,
  isAlive,
  killTracked,
  startServer,
  startSupervisor,
  waitUntil,
} from './test-support/processes.js';

// Issue 9 items 2 and 9: kill acts only on facts checked after the user said yes, names the new
// holder when the port changed hands, calls a new holder a restart only with evidence, and
// reports the fate of every listener the process held. Real processes, real sockets.

type Source = ReturnType<typeof createCoreSource>;
const { readIdentity } = createLinuxOwnerResolver();

describe.runIf(process.platform === 'linux')(
  'kill re-checks the confirmed listener before each signal',
  () => {
    let source: Source;
    let spy: ReturnType<typeof spySignal>;
    let deps: KillDeps;
    beforeEach(() => {
      source = createCoreSource();
      spy = spySignal();
      deps = { source, readIdentity, signal: spy.fn, respawnWindowMs: 300, graceMs: 1500 };
    });
    afterEach(() => killTracked());

    it.each([
      ['the core has not re-scanned since the confirmation', false],
      ['the core already re-scanned and lists the new holder', true],
    ])(
      'signals nothing when the holder closed its listener and another process bound the port while the confirmation waited (%s)',
      async (_what, rescanned) => {
        const holder = await startCloser();
        const request = await requestFor(source, holder.pid, holder.port);
        // While the prompt waits: the holder closes its listener and stays alive; another binds P.
        await holder.closeListener();
        const other = await startServer({ port: holder.port });
        if (rescanned) await source.refresh();

        const result = await killListenerOwner(request, deps);
        expect(result).toMatchObject({ ok: false, error: { code: 'NO_LONGER_HOLDS' } });
        if (!result.ok) {
          expect(result.error.message).toBe(
            `pid ${holder.pid} no longer holds tcp 127.0.0.1:${holder.port}; it is now held by node (pid ${other.pid}). Nothing was signalled.`,
          );
        }
        expect(spy.calls).toEqual([]);
        expect(isAlive(holder.pid)).toBe(true);
        expect(isAlive(other.pid)).toBe(true);
      },
    );

    it('says so, and signals nothing, when the holder closed its listener and nothing took the port', async () => {
      const holder = await startCloser();
      const request = await requestFor(source, holder.pid, holder.port);
      await holder.closeListener();
      const result = await killListenerOwner(request, deps);
      expect(result).toMatchObject({ ok: false, error: { code: 'NO_LONGER_HOLDS' } });
      if (!result.ok)
        expect(result.error.message).toMatch(
          /no longer holds tcp 127\.0\.0\.1:\d+; nothing listens there now/,
        );
      expect(spy.calls).toEqual([]);
      expect(isAlive(holder.pid)).toBe(true);
    });

    it('does not send SIGKILL when, after SIGTERM, the process let go of the port and another process took it', async () => {
      const holder = await startCloser({ closeOnTerm: true });
      const request = await requestFor(source, holder.pid, holder.port, 'force');
      // The holder closes on SIGTERM and lives on; the moment it has, another process binds the port.
      const taken = holder.proc.waitForLine(/^closed$/).then(() => startServer({ port: holder.port }));
      const result = await killListenerOwner(request, deps);
      const other = await taken;
      expect(spy.calls).toEqual([{ pid: holder.pid, signal: 'SIGTERM' }]);
      expect(result).toMatchObject({
        ok: true,
        value: { outcome: 'still-held', heldBy: { pid: other.pid } },
      });
      if (result.ok) {
        expect(result.value.message).toContain(
          `pid ${holder.pid} no longer holds tcp 127.0.0.1:${holder.port}`,
        );
        expect(result.value.message).toContain(`now held by node (pid ${other.pid})`);
        expect(result.value.message).toContain('SIGKILL was not sent');
      }
      expect(isAlive(holder.pid)).toBe(true);
      expect(isAlive(other.pid)).toBe(true);
    });

    it('calls a respawn by a real supervisor a restart, with the evidence (same parent, same command)', async () => {
      const supervisor = await startSupervisor(await freePort());
      const oldPid = supervisor.firstChild;
      const port = Number((await supervisor.waitForLine(/^listening (\d+)$/))[1]);
      const result = await killListenerOwner(await requestFor(source, oldPid, port), {
        ...deps,
        respawnWindowMs: 5000,
      });
      expect(result).toMatchObject({
        ok: true,
        value: {
          outcome: 'restarted',
          restartedBy: { pid: supervisor.pid, name: 'node', evidence: 'respawned' },
        },
      });
      if (!result.ok) return;
      const newPid = result.value.heldBy?.pid ?? 0;
      expect(supervisor.lines).toContain(`child ${newPid}`);
      expect(result.value.message).toMatch(/restarted by its supervisor/);
      expect(result.value.message).toContain(
        `started by pid ${supervisor.pid} (node), which started the same command again`,
      );
    });

    it('calls a different program started by a plain shell "a new process", never a supervisor', async () => {
      const shell = await startShellThenOther(await freePort());
      const port = Number(shell.lines.find((l) => l.startsWith('listening '))?.split(' ')[1]);
      const result = await killListenerOwner(await requestFor(source, shell.firstPid, port), {
        ...deps,
        respawnWindowMs: 5000,
      });
      expect(result).toMatchObject({ ok: true, value: { outcome: 'replaced', restartedBy: null } });
      if (!result.ok) return;
      const newPid = result.value.heldBy?.pid ?? 0;
      expect(shell.lines).toContain(`other ${newPid}`);
      expect(result.value.message).toContain(`a new process node (pid ${newPid}) now holds it`);
      expect(result.value.message).not.toMatch(/supervisor|started by/);
      expect(spy.calls).toEqual([{ pid: shell.firstPid, signal: 'SIGTERM' }]);
    });

    it('names every TCP and UDP listener the process holds and reports each one freed', async () => {
      const multi = await startMultiPortServer();
      const first = multi.sockets.find((s) => s.protocol === 'tcp' && s.address === '127.0.0.1');
      if (!first) throw new Error('no tcp socket');
      const result = await killListenerOwner(await requestFor(source, multi.pid, first.port), deps);
      expect(result).toMatchObject({ ok: true, value: { outcome: 'freed' } });
      if (!result.ok) return;
      const fates = result.value.listeners;
      // The confirmed listener first, then every other one the process held.
      expect(fates[0]).toMatchObject({
        protocol: 'tcp',
        address: '127.0.0.1',
        port: first.port,
        fate: 'freed',
      });
      expect(fates.map((f) => `${f.protocol} ${f.address} ${f.port} ${f.fate}`).sort()).toEqual(
        multi.sockets.map((s) => `${s.protocol} ${s.address} ${s.port} freed`).sort(),
      );
      for (const s of multi.sockets.filter((x) => x !== first)) {
        const shown = s.address.includes(':') ? `[${s.address}]` : s.address;
        expect(result.value.message).toContain(`${s.protocol} ${shown}:${s.port} (freed)`);
      }
      for (const s of multi.sockets) {
        expect(await bindTest(s.protocol, s.address.includes(':') ? 6 : 4, s.address, s.port)).toEqual({
          free: true,
        });
      }
      expect(await waitUntil(() => !isAlive(multi.pid))).toBe(true);
    });
  },
);
