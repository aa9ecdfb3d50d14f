import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One managed forward, as recorded so a later CLI run (or the app) can list and close it. */
export interface ForwardRecord {
  readonly id: number;
  readonly alias: string;
  readonly configFile: string | null;
  /** Local loopback addresses it listens on (127.0.0.1, and ::1 when present). */
  readonly binds: readonly ('127.0.0.1' | '::1')[];
  readonly localPort: number;
  /** Remote destination as the remote sees it (its loopback). */
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly createdAt: number;
  /** Learned by a probe through the forward when it was opened; absent or null: not HTTP(S). */
  readonly scheme?: 'http' | 'https' | null;
  /**
   * The remote listener disappeared: the forward was cancelled (so the local port refuses at once)
   * and is restored when the listener returns.
   */
  readonly gone?: boolean;
}

/** The record file in the 0700 runtime directory. */
export function registryPath(runtimeDir: string): string {
  return join(runtimeDir, 'forwards.json');
}

/** Reads the records; a missing or garbled file is an empty list (forwards then show as unmanaged). */
export function readForwards(runtimeDir: string): ForwardRecord[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(registryPath(runtimeDir), 'utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (r): r is ForwardRecord =>
        typeof r === 'object' &&
        r !== null &&
        Number.isInteger((r as ForwardRecord).id) &&
        typeof (r as ForwardRecord).alias === 'string' &&
        Number.isInteger((r as ForwardRecord).localPort) &&
        Number.isInteger((r as ForwardRecord).remotePort),
    );
  } catch {
    return [];
  }
}

/** Replaces the records atomically (write then rename), file mode 0600. */
export function writeForwards(runtimeDir: string, records: readonly ForwardRecord[]): void {
  const tmp = `${registryPath(runtimeDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, registryPath(runtimeDir));
}

/** The next free record id. */
export function nextForwardId(records: readonly ForwardRecord[]): number {
  return records.reduce((m, r) => Math.max(m, r.id), 0) + 1;
}

/** Rewrites one record (by id) with `patch`; a record closed meanwhile stays closed. */
export function patchForward(runtimeDir: string, id: number, patch: Partial<ForwardRecord>): void {
  writeForwards(
    runtimeDir,
    readForwards(runtimeDir).map((r) => (r.id === id ? { ...r, ...patch } : r)),
  );
}
