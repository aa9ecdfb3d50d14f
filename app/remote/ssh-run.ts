import { spawn } from 'node:child_process';

/** Most stdout kept from one run (a remote with 100k sockets prints ~15 MB of /proc/net). */
const MAX_OUTPUT = 64 * 1024 * 1024;

/** What one `ssh` run returned. Output is latin1 so /proc bytes survive the trip unchanged. */
export interface SshRun {
  /** Exit code; null when killed (deadline) or when ssh could not be started. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Set when the `ssh` binary could not be spawned at all. */
  readonly spawnError?: string;
}

/** How to run ssh: the binary, the environment (HOME, SSH_AUTH_SOCK), a deadline. */
export interface SshRunOptions {
  readonly ssh: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly input?: string;
  /**
   * `ssh -f` forks the master and exits; the forked child keeps nothing of ours, so the run
   * settles on the parent's exit instead of waiting for its pipes.
   */
  readonly settleOnExit?: boolean;
}

/**
 * The environment of every background ssh: SSH_ASKPASS (and DISPLAY, which would enable it) is
 * dropped so no run can raise a prompt the user did not start; the user's agent (SSH_AUTH_SOCK)
 * stays, it is how they log in.
 */
export function sshEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.SSH_ASKPASS;
  delete out.SSH_ASKPASS_REQUIRE;
  delete out.DISPLAY;
  return out;
}

/**
 * Runs the system `ssh` with an argv array (never a shell: docs/SECURITY.md, Remote hosts). SSH_ASKPASS
 * is dropped from the environment so no run can raise a prompt the user did not start; the
 * user's agent (SSH_AUTH_SOCK) stays, it is how they log in.
 */
export function runSsh(argv: readonly string[], o: SshRunOptions): Promise<SshRun> {
  return new Promise((resolve) => {
    const child = spawn(o.ssh, [...argv], {
      env: sshEnv(o.env),
      stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let done = false;
    const finish = (code: number | null, spawnError?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ...(spawnError === undefined ? {} : { spawnError }),
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    let bytes = 0;
    child.stdout?.on('data', (b: Buffer) => {
      // The remote is untrusted: a dump beyond the cap is cut off (then refused as incomplete).
      bytes += b.length;
      if (bytes > MAX_OUTPUT) child.kill('SIGKILL');
      else out.push(b);
    });
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => finish(null, e.message));
    if (o.settleOnExit === true) child.on('exit', (code) => setImmediate(() => finish(code)));
    child.on('close', (code) => finish(code));
    if (o.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // the remote may exit before reading everything
      child.stdin.end(o.input, 'latin1');
    }
  });
}
