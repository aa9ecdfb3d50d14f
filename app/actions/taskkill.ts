/** What one `taskkill.exe` run printed. */
export interface TaskkillRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `%SystemRoot%\System32\taskkill.exe` with an argv array (injectable for tests). */
export type RunTaskkill = (argv: readonly string[]) => Promise<TaskkillRun>;

/** The argv for taskkill: graceful `/PID n`, `/F` to force, `/T` (whole tree) only when asked. */
export function buildTaskkillArgv(pid: number, options: { force: boolean; tree?: boolean }): string[] {
  const argv = ['/PID', String(pid)];
  if (options.tree === true) argv.push('/T');
  if (options.force) argv.push('/F');
  return argv;
}

/** What a taskkill run means for the pipeline. */
export type TaskkillVerdict = 'sent' | 'gone' | 'denied' | 'needs-force' | 'failed';

/**
 * Reads taskkill's exit code (0 sent, 128 no such process) and, for exit 1/255, its message:
 * "Access is denied" or "can only be terminated forcefully (with /F option)" (sindresorhus/fkill#47).
 * The text is localized, so unknown text on a graceful run counts as needs-force and on a forced
 * run as denied; the wait loop and the re-scan still report what really happened.
 */
export function interpretTaskkill(run: TaskkillRun, force: boolean): TaskkillVerdict {
  if (run.exitCode === 0) return 'sent';
  if (run.exitCode === 128) return 'gone';
  const text = `${run.stderr}\n${run.stdout}`;
  if (/access is denied|zugriff verweigert|accès refusé|acceso denegado|accesso negato/i.test(text)) {
    return 'denied';
  }
  if (/\/F\b|forcefully/i.test(text)) return force ? 'failed' : 'needs-force';
  if (run.exitCode === 1 || run.exitCode === 255) return force ? 'denied' : 'needs-force';
  return 'failed';
}

/** The real taskkill, by absolute path: PATH may lack System32 (pkrumins/node-tree-kill#34). */
export function defaultRunTaskkill(argv: readonly string[]): Promise<TaskkillRun> {
  const file = `${process.env['SystemRoot'] ?? 'C:\\Windows'}\\System32\\taskkill.exe`;
  const { execFile } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve) => {
    execFile(
      file,
      [...argv],
      { shell: false, windowsHide: true, timeout: 10_000, maxBuffer: 64 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = (error as (NodeJS.ErrnoException & { code?: number | string }) | null)?.code;
        resolve({ exitCode: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
      },
    );
  });
}
