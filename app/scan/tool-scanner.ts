import { hmError, type HmError } from '../model/errors.js';
import type { BackendId, CompletenessNote } from '../model/snapshot.js';
import type { ParsedListeners } from './parse-util.js';
import { explainHiddenOwners } from './hidden-owners.js';
import { findTool, runTool, type ToolResult } from './run-tool.js';
import type { RawListener, ScanOutcome, Scanner } from './types.js';

/** How one OS tool becomes a {@link Scanner}: where it lives, how it runs, how its text is read. */
export interface ToolScannerSpec {
  readonly backend: BackendId;
  /** Human name of the tool for messages (`ss`, `lsof`, `netstat`). */
  readonly toolName: string;
  /** Absolute paths to try, first hit wins. */
  readonly candidates: readonly string[];
  readonly args: readonly string[];
  readonly timeoutMs: number;
  readonly okExitCodes?: readonly number[];
  readonly parse: (stdout: string) => ParsedListeners;
  /** Completeness notes for a successful scan (hidden owners, permission limits, …). */
  readonly notes?: (listeners: readonly RawListener[]) => CompletenessNote[];
  /** A tool-specific failure hidden in an accepted exit code (lsof exits 1 for "nothing" and errors). */
  readonly checkResult?: (result: Extract<ToolResult, { ok: true }>) => HmError | null;
  /** Environment for the tool (default: ours; `LC_ALL=C` is always added). */
  readonly env?: NodeJS.ProcessEnv;
}

const PERMISSION_TEXT = /permission denied|operation not permitted|access is denied/i;

/**
 * Turns a tool spec into a Scanner with distinct outcomes: TOOL_MISSING (not installed), EPERM
 * (not allowed), TIMEOUT, SCAN_FAILED (non-zero exit or unreadable output), and `ok` with a
 * possibly empty list. A second `scan()` while one runs gets the same promise (single flight).
 */
export function createToolScanner(spec: ToolScannerSpec): Scanner {
  let inFlight: Promise<ScanOutcome> | null = null;
  const fail = (error: HmError): ScanOutcome => ({ ok: false, backend: spec.backend, error });

  async function scanOnce(signal: AbortSignal | undefined): Promise<ScanOutcome> {
    const tool = await findTool(spec.candidates);
    if (tool === null) {
      return fail(
        hmError(
          'TOOL_MISSING',
          `${spec.toolName} is not installed (looked in ${spec.candidates.join(', ')}).`,
        ),
      );
    }
    const result = await runTool(tool, spec.args, {
      timeoutMs: spec.timeoutMs,
      ...(signal ? { signal } : {}),
      ...(spec.env ? { env: spec.env } : {}),
      ...(spec.okExitCodes ? { okExitCodes: spec.okExitCodes } : {}),
    });
    if (!result.ok) {
      if (result.error.code === 'SCAN_FAILED' && PERMISSION_TEXT.test(result.error.message)) {
        return fail(hmError('EPERM', result.error.message, { hint: 'Needs admin rights.' }));
      }
      return fail(result.error);
    }
    const problem = spec.checkResult?.(result) ?? null;
    if (problem) return fail(problem);
    const parsed = spec.parse(result.stdout);
    // No table at all (an error text, an unknown encoding) is a failed scan, never "no ports".
    if (parsed.unrecognized) return fail(hmError('SCAN_FAILED', parsed.unrecognized.reason));
    const skipped = parsed.skipped;
    const listeners = explainHiddenOwners(parsed.listeners);
    if (listeners.length === 0 && skipped > 0) {
      return fail(
        hmError('SCAN_FAILED', `Could not read ${spec.toolName} output (${skipped} unreadable lines).`),
      );
    }
    const notes: CompletenessNote[] = [...(spec.notes?.(listeners) ?? [])];
    if (skipped > 0) {
      notes.push({
        code: 'PARTIAL_OUTPUT',
        message: `${skipped} ${skipped === 1 ? 'line' : 'lines'} of ${spec.toolName} output could not be read.`,
        count: skipped,
      });
    }
    return { ok: true, backend: spec.backend, listeners, notes };
  }

  return {
    id: spec.backend,
    scan(signal?: AbortSignal): Promise<ScanOutcome> {
      // A caller joining a scan in flight shares it (and the first caller's deadline).
      inFlight ??= scanOnce(signal).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}

/** True when this process runs as root (POSIX); false on Windows, where getuid does not exist. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export { hiddenOwnersNote } from './hidden-owners.js';
