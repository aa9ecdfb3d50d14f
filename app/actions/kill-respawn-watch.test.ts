import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { killListenerOwner } from './kill.js';
import { createCoreSource } from './test-support/core-source.js';
import { killTracked, track } from './test-support/processes.js';

// Issue 14 item 3: after the owner exits, kill watches for a supervisor's respawn only when its
// parent could restart it. A server started from the user's interactive shell is reported freed
// as soon as the port is verified free, not after the whole respawn window.
const owners = createLinuxOwnerResolver();
const readParent = async (pid: number) => {
  const r = (await owners.resolve([pid])).get(pid);
  return r?.ok ? { pid, name: r.value.name, exe: r.value.exe, command: r.value.command } : null;
};

/** `bash -i` reading commands from a pipe, as at a prompt; it runs a server that obeys SIGTERM. */
async function serverFromInteractiveShell(): Promise<{ pid: number; port: number }> {
  const shell = spawn('bash', ['--norc', '--noprofile', '-i'], { stdio: ['pipe', 'pipe', 'ignore'] });
  if (shell.pid) track(shell.pid);
  const src = `const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(process.pid+' '+s.address().port));process.on('SIGTERM',()=>{s.close();process.exit(0)})`;
  shell.stdin.write(`${JSON.stringify(process.execPath)} -e ${JSON.stringify(src)}\n`);
  const line = await new Promise<string>((resolve) =>
    shell.stdout.once('data', (d: Buffer) => resolve(String(d))),
  );
  const [pid, port] = line.trim().split(' ').map(Number);
  track(pid ?? 0);
  return { pid: pid ?? 0, port: port ?? 0 };
}

describe.runIf(process.platform === 'linux')('kill: the respawn watch', () => {
  afterEach(() => killTracked());

  it('reports a server started from an interactive shell freed without waiting the respawn window', async () => {
    const { pid, port } = await serverFromInteractiveShell();
    const source = createCoreSource();
    const snap = await source.refresh();
    const l = snap.listeners.find((x) => x.port === port && x.owner.kind === 'process');
    if (!l || l.owner.kind !== 'process') throw new Error(`pid ${pid} not seen on port ${port}`);
    expect(l.owner.pid).toBe(pid);
    const started = performance.now();
    const result = await killListenerOwner(
      { listenerId: l.id, pid, startToken: l.owner.startToken, mode: 'graceful' },
      { source, readIdentity: owners.readIdentity, readParent, respawnWindowMs: 6000 },
    );
    const took = performance.now() - started;
    expect(result).toMatchObject({ ok: true, value: { outcome: 'freed', signals: ['SIGTERM'] } });
    expect(took).toBeLessThan(4000);
  });
});
