import type { UnknownOwner } from './listener.js';
import type { Viewer } from './snapshot.js';

/**
 * How every text face names an owner it could not read, by the real reason and by who is asking:
 * the same rule as the window's owner banner (renderer/format/owner-banner.ts). Root is never told
 * to get admin rights: when root cannot read a process's fds either (a non-dumpable process seen
 * by a confined root, e.g. root inside a sandbox), admin rights would not help, so say that.
 * Isomorphic (no Node imports).
 */
export interface UnknownOwnerWords {
  /** For a table cell: `owner unknown (needs admin)`, `owner unknown (unreadable even as root)`… */
  readonly short: string;
  /** One sentence for a detail column or line. */
  readonly detail: string;
}

/** True when the viewer is root (uid 0 or the user `root`). */
export function viewerIsRoot(viewer: Viewer | null): boolean {
  return viewer?.uid === 0 || viewer?.user === 'root';
}

export function unknownOwnerWords(owner: UnknownOwner, viewer: Viewer | null): UnknownOwnerWords {
  switch (owner.reason) {
    case 'permission':
      return viewerIsRoot(viewer)
        ? {
            short: 'owner unknown (unreadable even as root)',
            detail:
              'Its process could not be read even as root: it is non-dumpable, or this root is confined (a sandbox or container); admin rights would not help.',
          }
        : { short: 'owner unknown (needs admin)', detail: owner.message };
    case 'other-namespace':
      return { short: 'owner not visible (other namespace)', detail: owner.message };
    case 'no-process':
      return { short: 'no process (kernel socket)', detail: owner.message };
    case 'vanished':
      return { short: 'owner exited during the scan', detail: owner.message };
    case 'not-reported':
      return { short: 'owner not reported', detail: owner.message };
  }
}
