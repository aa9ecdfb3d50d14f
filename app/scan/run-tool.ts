import type { ChildProcess } from 'node:child_process';
import { hmError, type HmError } from '../model/errors.js';
import { decodeToolOutput } from './decode-output.js';

/** What a tool run produced. */
export type ToolResult =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string; readonly exitCode: number }
  | { readonly ok: false; readonly error: HmError; readonly stdout: string };

/** Options for {@link runTool}. */
export interface RunToolOptions {
  readonly timeoutMs?: number;
  /** Output cap in bytes; output past it is an error (PARTIAL output is never parsed as complete). */
  readonly maxBytes?: number;
  /** Exit codes that still count as success (lsof exits 1 when it finds nothing). */
  readonly okExitCodes?: readonly number[];
  readonly env?: NodeJS.ProcessEnv;
  /** Aborting kills the tool and everything it started (a scan deadline passed). */
  readonly signal?: AbortSignal;
}

const POSIX = process.platform !== 'win32';

/**
 * Kills the child and, on POSIX, its whole process group: the tool was started as the leader of
 * its own group, so a shell pipeline or a helper it forked dies with it instead of outliving the
 * scan. ESRCH (already gone) is fine.
 */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    if (POSIX) process.kill(-pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // the group is already gone
  }
}

/**
 * Resolves once no process of the group `pid` is left (SIGKILL is delivered at once, but dying
 * takes a moment), or after `ms`. Windows has no process groups here: nothing to wait for.
 */
async function groupGone(pid: number | undefined, ms: number): Promise<void> {
  if (!POSIX || pid === undefined) return;
  const end = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return; // ESRCH: the group is empty
    }
    if (Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * An AbortSignal that never fires, for callers without one; made on first use (a CLI that runs
 * no tool never loads Node's AbortController, issue 14 item 2).
 */
let never: AbortSignal | null = null;

/**
 * Runs an OS tool the safe way: absolute path, argv array, no shell, a timeout, an output cap and
 * `LC_ALL=C` so its output is not localized. See docs/SECURITY.md#running-os-tools. The tool runs in
 * its own process group; on timeout, abort or an output overflow the group is SIGKILLed, and the
 * promise settles only after the tool has exited, so a settled run leaves no process behind.
 */
export async function runTool(
  file: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const okExit = options.okExitCodes ?? [0];
  const signal = options.signal ?? (never ??= new AbortController().signal);
  if (signal.aborted) {
    return {
      ok: false,
      stdout: '',
      error: hmError('TIMEOUT', `${file} was not started: the scan was cancelled.`),
    };
  }
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // Loaded here, not at import: the in-process scanners never spawn (CLI cold start, issue 14).
      const { spawn } = process.getBuiltinModule('node:child_process');
      child = spawn(file, [...args], {
        shell: false,
        detached: POSIX,
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...(options.env ?? process.env), LC_ALL: 'C', LANG: 'C' },
      });
    } catch (e) {
      resolve({
        ok: false,
        stdout: '',
        error: hmError('SCAN_FAILED', `${file} could not start: ${(e as Error).message}`),
      });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let stopped: 'timeout' | 'aborted' | 'overflow' | null = null;
    let spawnError: NodeJS.ErrnoException | null = null;
    let settled = false;

    const stop = (why: 'timeout' | 'aborted' | 'overflow') => {
      if (stopped || settled) return;
      stopped = why;
      killTree(child);
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) stop('overflow');
      else into.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    // The leader exited: anything still in its group is a straggler it left behind.
    child.once('exit', () => killTree(child));

    const finish = (result: ToolResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Settle only when the tool's whole group is gone: a settled run leaves nothing behind.
      void groupGone(child.pid, 1000).then(() => resolve(result));
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      // A child that never started emits no 'close'.
      if (child.pid === undefined) finish(errorResult(file, e, '', '', null, null));
    });
    child.once('close', (code: number | null, signalName: NodeJS.Signals | null) => {
      // Bytes, decoded in one place: UTF-16LE, BOMs, OEM code pages and CRLF (decode-output.ts).
      const stdout = decodeToolOutput(Buffer.concat(out));
      const stderr = decodeToolOutput(Buffer.concat(err));
      if (stopped === 'timeout') {
        finish({
          ok: false,
          stdout,
          error: hmError('TIMEOUT', `${file} did not finish within ${timeoutMs} ms.`),
        });
      } else if (stopped === 'aborted') {
        finish({
          ok: false,
          stdout,
          error: hmError('TIMEOUT', `${file} was stopped: the scan deadline passed.`),
        });
      } else if (stopped === 'overflow') {
        finish({
          ok: false,
          stdout,
          error: hmError('SCAN_FAILED', `${file} printed more than ${maxBytes} bytes.`),
        });
      } else if (spawnError) {
        finish(errorResult(file, spawnError, stdout, stderr, code, signalName));
      } else if (code !== null && okExit.includes(code)) {
        finish({ ok: true, stdout, stderr, exitCode: code });
      } else {
        finish(errorResult(file, null, stdout, stderr, code, signalName));
      }
    });
  });
}

function errorResult(
  file: string,
  e: NodeJS.ErrnoException | null,
  stdout: string,
  stderr: string,
  code: number | null,
  signalName: NodeJS.Signals | null,
): ToolResult {
  if (e?.code === 'ENOENT')
    return { ok: false, stdout: '', error: hmError('TOOL_MISSING', `${file} is not installed.`) };
  if (e?.code === 'EACCES')
    return { ok: false, stdout: '', error: hmError('EPERM', `Not allowed to run ${file}.`) };
  const firstLine = stderr.split('\n')[0]?.slice(0, 200) ?? '';
  const how = signalName ? `killed by ${signalName}` : `exit ${String(code ?? e?.code)}`;
  return {
    ok: false,
    stdout,
    error: hmError('SCAN_FAILED', `${file} failed (${how})${firstLine ? `: ${firstLine}` : ''}.`),
  };
}

/** Returns the first of `candidates` that exists and is executable, or null. */
export async function findTool(candidates: readonly string[]): Promise<string | null> {
  for (const c of candidates) {
    try {
      const { access, constants } = process.getBuiltinModule('node:fs/promises');
      await access(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  return null;
}
