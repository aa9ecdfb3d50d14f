import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../testing/wait.js';
import { killScript, parseKillResult } from './kill-script.js';
import { remoteKillReport } from './remote-kill.js';

const NONCE = '9a8b7c6d5e4f3a2b';
const root = process.platform === 'linux' && process.getuid?.() === 0;
if (!root)
  console.log(
    'kill-script-noproc.test: SKIPPED, needs Linux as root (a private mount namespace hides /proc)',
  );

describe.skipIf(!root)('the remote kill script on a remote without /proc (macOS, the BSDs)', () => {
  // A real process with its real identity: only the missing /proc may stop the kill.
  const victim = spawn('sleep', ['60']);
  afterAll(() => victim.kill('SIGKILL'));

  it('refuses before any check, signals nothing, and the report names the command to run', () => {
    const pid = victim.pid ?? 0;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
    const script = killScript(NONCE, { pid, startTicks, uid: 0, inode: '1', port: 1 });
    // /proc is an empty tmpfs inside the namespace, as on a Mac.
    const run = spawnSync(
      'unshare',
      ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs none /proc && exec sh -s'],
      {
        input: script,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    const outcome = parseKillResult(run.stdout, NONCE, pid);
    expect(outcome).toEqual({ kind: 'needs-proc', detail: 'Linux' });
    expect(isAlive(pid)).toBe(true);
    const report = remoteKillReport('devbox', 1, pid, outcome);
    expect(report).toMatchObject({ signalled: false, command: `ssh devbox kill -TERM ${pid}` });
    expect(report.message).toMatch(
      /^Not signalled: remote kill needs \/proc or lsof on the remote \(Linux\)/,
    );
  });

  it('the same script with /proc present goes on to the identity re-check (a wrong start time is refused)', () => {
    const pid = victim.pid ?? 0;
    const run = spawnSync('sh', ['-s'], {
      input: killScript(NONCE, { pid, startTicks: '1', uid: 0, inode: '1', port: 1 }),
      encoding: 'utf8',
    });
    expect(parseKillResult(run.stdout, NONCE, pid).kind).toBe('changed');
    expect(isAlive(pid)).toBe(true);
  });
});
