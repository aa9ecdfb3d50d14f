import { describe, expect, it } from 'vitest';
import { createRemoteShell, shellRequest, takeShellReply } from './remote-shell.js';

// The kept shell's protocol against a real local `sh` standing in for `ssh … -- ALIAS sh` (the
// real sshd runs are in remote-listing.sshd.test.ts): one process for many scripts, each isolated
// in a subshell, and a dead or stuck shell replaced by the next request.
const M = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const local = () => createRemoteShell({ command: 'sh', argv: [], env: { PATH: process.env.PATH } });

describe('the kept shell protocol', () => {
  it('wraps the script in a subshell reading /dev/null, then a sentinel with its status', () => {
    expect(shellRequest('echo hi', M)).toBe(
      `(\necho hi\n) </dev/null\nprintf '\\n@@%s done %s\\n' '${M}' "$?"\n`,
    );
    expect(() => shellRequest('true', "x'; rm -rf /; '")).toThrow();
  });

  it('finds only its own sentinel: a lookalike with another marker is just output', () => {
    expect(takeShellReply(`out\n@@${'f'.repeat(24)} done 0\nmore`, M)).toBeNull();
    expect(takeShellReply(`out\n@@${M} done 7\n`, M)).toEqual({ stdout: 'out', code: 7 });
  });
});

describe('a kept local sh', () => {
  it('runs one script after another in the same process, each isolated (exit, cd, variables, stdin)', async () => {
    const sh = local();
    try {
      const a = await sh.run('X=1; cd /tmp; echo "$$ $(pwd)"', 5_000);
      const pid = sh.pid;
      expect(a).toMatchObject({ code: 0, timedOut: false });
      const b = await sh.run('echo "x=${X:-unset} $(pwd)"; exit 3', 5_000);
      expect(b.code).toBe(3);
      expect(b.stdout.trim()).toBe(`x=unset ${process.cwd()}`);
      // Nothing in a script can read the next request: its stdin is /dev/null.
      const c = await sh.run('cat; echo after-cat', 5_000);
      expect(c.stdout.trim()).toBe('after-cat');
      expect(sh.pid).toBe(pid);
    } finally {
      sh.close();
    }
  });

  it('queues concurrent runs so each gets its own output', async () => {
    const sh = local();
    try {
      const runs = await Promise.all([1, 2, 3].map((n) => sh.run(`sleep 0.0${n}; echo run-${n}`, 5_000)));
      expect(runs.map((r) => r.stdout.trim())).toEqual(['run-1', 'run-2', 'run-3']);
    } finally {
      sh.close();
    }
  });

  it('a shell that dies fails the run in flight, and the next run starts a new shell', async () => {
    const sh = local();
    try {
      await sh.run('true', 5_000);
      const first = sh.pid;
      // $$ in the subshell is the kept shell itself.
      const dying = await sh.run('kill -KILL $$; sleep 5', 5_000);
      expect(dying.code).not.toBe(0);
      const next = await sh.run('echo back', 5_000);
      expect(next.code).toBe(0);
      expect(next.stdout.trim()).toBe('back');
      expect(sh.pid).not.toBe(first);
    } finally {
      sh.close();
    }
  });

  it('a stuck script times out and its shell is replaced', async () => {
    const sh = local();
    try {
      await sh.run('true', 5_000);
      const first = sh.pid;
      const stuck = await sh.run('sleep 30', 300);
      expect(stuck.timedOut).toBe(true);
      expect((await sh.run('echo ok', 5_000)).stdout.trim()).toBe('ok');
      expect(sh.pid).not.toBe(first);
    } finally {
      sh.close();
    }
  });
});
