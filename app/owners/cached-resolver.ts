import { err, ok, type Result } from '../model/errors.js';
import type { ProcessOwner } from '../model/listener.js';
import type { OwnerResolver } from './types.js';

/** Looks owners up for many pids in one tool run; a failed run is the answer for every pid. */
export type LookUpOwners = (pids: readonly number[]) => Promise<Result<ReadonlyMap<number, ProcessOwner>>>;

/** True for a value that can be a process id (positive integer). */
export function isPid(pid: number): boolean {
  return Number.isInteger(pid) && pid > 0;
}

/**
 * The caching half of an owner resolver whose lookups spawn a tool (ps, PowerShell): `resolve`
 * runs `lookUp` once, only for the pids not cached yet; a pid the tool no longer lists is ESRCH.
 * Cached owners are kept until `prune` drops their pid (the scan no longer shows it).
 */
export function createCachedOwners(lookUp: LookUpOwners): Pick<OwnerResolver, 'resolve' | 'prune'> {
  const cache = new Map<number, ProcessOwner>();
  return {
    async resolve(pids) {
      const out = new Map<number, Result<ProcessOwner>>();
      const missing = [...new Set(pids)].filter((p) => isPid(p) && !cache.has(p));
      if (missing.length > 0) {
        const found = await lookUp(missing);
        for (const pid of missing) {
          const owner = found.ok ? found.value.get(pid) : undefined;
          if (owner) cache.set(pid, owner);
          else out.set(pid, found.ok ? err('ESRCH', `Process ${pid} is gone.`) : found);
        }
      }
      for (const pid of new Set(pids)) {
        const owner = cache.get(pid);
        if (owner) out.set(pid, ok(owner));
        else if (!out.has(pid)) out.set(pid, err('INVALID_PID', `${pid} is not a process id.`));
      }
      return out;
    },
    prune(alive) {
      for (const pid of cache.keys()) if (!alive.has(pid)) cache.delete(pid);
    },
  };
}
