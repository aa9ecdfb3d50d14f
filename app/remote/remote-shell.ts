import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { SshRun } from './ssh-run.js';

/** Most stdout kept from one run, as in ssh-run.ts: the remote is untrusted. */
const MAX_OUTPUT = 64 * 1024 * 1024;

/** How to start the long-lived shell: the ssh binary and its argv (`… -T -- ALIAS sh`). */
export interface RemoteShellOptions {
  readonly command: string;
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** One `sh` kept open on the remote over the host's master, fed one script per poll. */
export interface RemoteShell {
  /** Runs `script` in a subshell of the kept shell; starts (or restarts) the shell when needed. */
  run(script: string, timeoutMs: number): Promise<SshRun>;
  /** Ends the kept shell (host disconnect, app quit). */
  close(): void;
  /** The kept ssh process's pid, while one runs (tests). */
  readonly pid: number | null;
}

/**
 * What one request writes to the kept shell: the script in a subshell (so its `exit`, `cd`,
 * variables and `exec 3>&1` never touch the kept shell) with stdin from /dev/null (so nothing in
 * it can read the next request), then a sentinel line with a per-request random marker and the
 * subshell's exit status. Pure, for tests.
 */
export function shellRequest(script: string, marker: string): string {
  if (!/^[0-9a-f]{16,64}$/.test(marker)) throw new Error('shellRequest: bad marker');
  return `(\n${script}\n) </dev/null\nprintf '\\n@@%s done %s\\n' '${marker}' "$?"\n`;
}

/**
 * Finds the sentinel in the output so far (searching from `from`, so a long dump is scanned once):
 * the run's stdout and exit status, or null while it has not come.
 */
export function takeShellReply(
  text: string,
  marker: string,
  from = 0,
): { readonly stdout: string; readonly code: number } | null {
  const re = new RegExp(`\\n@@${marker} done (\\d{1,3})\\n`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m) return null;
  return { stdout: text.slice(0, m.index), code: Number(m[1]) };
}

/**
 * Holds (`on`) or releases a long-lived child and its pipes from keeping the event loop alive:
 * referenced only while a request waits on it.
 */
export function refChild(c: ChildProcess, on: boolean): void {
  for (const s of [c.stdin, c.stdout, c.stderr] as ({ ref(): void; unref(): void } | null)[])
    if (on) s?.ref();
    else s?.unref();
  if (on) c.ref();
  else c.unref();
}

/**
 * A kept remote `sh` (issue 15 speed): a remote command over an open master still pays the remote
 * login — sshd runs it through the user's login shell, and bash reads ~/.bashrc for ssh sessions
 * (bash(1), INVOCATION), which is ~600 ms when it runs `pyenv init` — on every poll. One session
 * per host pays it once; each poll is then one fork of the kept shell. Requests are queued (one at
 * a time); a shell that died, timed out or printed garbage is dropped and the next request starts
 * a new one. The child is unreferenced while idle, so it never keeps a process alive.
 */
export function createRemoteShell(o: RemoteShellOptions): RemoteShell {
  let child: ChildProcess | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const setRef = refChild;
  const drop = (c: ChildProcess) => {
    if (child === c) child = null;
    c.kill('SIGKILL');
  };
  const start = (): ChildProcess => {
    const c = spawn(o.command, [...o.argv], {
      env: o.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    c.stdin?.on('error', () => undefined); // a dead shell: the run sees the exit instead
    c.on('error', () => undefined);
    c.once('exit', () => {
      if (child === c) child = null;
    });
    return c;
  };
  const once = (script: string, timeoutMs: number): Promise<SshRun> =>
    new Promise((resolve) => {
      const c = child ?? start();
      child = c;
      setRef(c, true);
      const marker = randomBytes(12).toString('hex');
      let text = '';
      const err: Buffer[] = [];
      let bytes = 0;
      let done = false;
      const finish = (r: SshRun, keep: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        c.stdout?.off('data', onOut);
        c.stderr?.off('data', onErr);
        c.off('exit', onExit);
        c.off('error', onError);
        if (keep) setRef(c, false);
        else drop(c);
        resolve(r);
      };
      const stderr = () => Buffer.concat(err).toString('utf8');
      const onOut = (b: Buffer) => {
        bytes += b.length;
        if (bytes > MAX_OUTPUT) {
          finish({ code: null, stdout: '', stderr: 'output cap', timedOut: false }, false);
          return;
        }
        const from = Math.max(0, text.length - 100);
        text += b.toString('latin1'); // one byte per char: a chunk boundary cannot split one
        const reply = takeShellReply(text, marker, from);
        if (reply)
          finish({ code: reply.code, stdout: reply.stdout, stderr: stderr(), timedOut: false }, true);
      };
      const onErr = (b: Buffer) => {
        if (err.length < 64) err.push(b);
      };
      const onExit = (code: number | null) =>
        // The shell ended (master gone, sshd killed, remote logout): this run failed as ssh did.
        setImmediate(() =>
          finish(
            {
              code: code ?? 255,
              stdout: text,
              stderr: stderr(),
              timedOut: false,
            },
            false,
          ),
        );
      const onError = (e: Error) =>
        finish({ code: null, stdout: '', stderr: '', timedOut: false, spawnError: e.message }, false);
      const timer = setTimeout(
        () => finish({ code: null, stdout: '', stderr: stderr(), timedOut: true }, false),
        timeoutMs,
      );
      c.stdout?.on('data', onOut);
      c.stderr?.on('data', onErr);
      c.once('exit', onExit);
      c.once('error', onError);
      if (c.exitCode !== null || c.signalCode !== null) onExit(c.exitCode);
      else c.stdin?.write(shellRequest(script, marker), 'latin1');
    });
  return {
    run(script, timeoutMs) {
      const next = queue.then(() => once(script, timeoutMs));
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      if (child) drop(child);
    },
    get pid() {
      return child?.pid ?? null;
    },
  };
}
