import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
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
}

/**
 * Runs an OS tool the safe way: absolute path, argv array, no shell, a timeout, an output cap and
 * `LC_ALL=C` so its output is not localized. See SECURITY.md "Running OS tools".
 */
export async function runTool(
  file: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const okExit = options.okExitCodes ?? [0];
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        shell: false,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: maxBytes,
        windowsHide: true,
        // Bytes, decoded in one place: UTF-16LE, BOMs, OEM code pages and CRLF (decode-output.ts).
        encoding: 'buffer',
        env: { ...(options.env ?? process.env), LC_ALL: 'C', LANG: 'C' },
      },
      (error, stdoutBytes, stderrBytes) => {
        const stdout = decodeToolOutput(stdoutBytes);
        const stderr = decodeToolOutput(stderrBytes);
        if (!error) {
          resolve({ ok: true, stdout, stderr, exitCode: 0 });
          return;
        }
        const e = error as NodeJS.ErrnoException & {
          killed?: boolean;
          signal?: string;
          code?: number | string;
        };
        if (e.code === 'ENOENT') {
          resolve({ ok: false, stdout: '', error: hmError('TOOL_MISSING', `${file} is not installed.`) });
        } else if (e.code === 'EACCES') {
          resolve({ ok: false, stdout: '', error: hmError('EPERM', `Not allowed to run ${file}.`) });
        } else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          resolve({
            ok: false,
            stdout,
            error: hmError('SCAN_FAILED', `${file} printed more than ${maxBytes} bytes.`),
          });
        } else if (e.killed || e.signal === 'SIGKILL') {
          resolve({
            ok: false,
            stdout,
            error: hmError('TIMEOUT', `${file} did not finish within ${timeoutMs} ms.`),
          });
        } else if (typeof e.code === 'number' && okExit.includes(e.code)) {
          resolve({ ok: true, stdout, stderr, exitCode: e.code });
        } else {
          const firstLine = String(stderr).split('\n')[0]?.slice(0, 200) ?? '';
          resolve({
            ok: false,
            stdout,
            error: hmError(
              'SCAN_FAILED',
              `${file} failed (exit ${String(e.code)})${firstLine ? `: ${firstLine}` : ''}.`,
            ),
          });
        }
      },
    );
  });
}

/** Returns the first of `candidates` that exists and is executable, or null. */
export async function findTool(candidates: readonly string[]): Promise<string | null> {
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  return null;
}
