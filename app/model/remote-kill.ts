/**
 * A kill on a remote host (issue 15) as every face sees it: isomorphic types shared by the core
 * (app/remote/kill-script.ts), the contract and the window/tray.
 */

/** What the remote did. Only `freed` and `still-listening` mean a signal was sent. */
export type RemoteKillOutcome =
  | { readonly kind: 'freed'; readonly pid: number }
  | { readonly kind: 'still-listening'; readonly pid: number; readonly detail: string }
  | { readonly kind: 'gone' }
  | { readonly kind: 'changed'; readonly detail: string }
  | { readonly kind: 'no-longer-holds' }
  | { readonly kind: 'protected'; readonly detail: string }
  | { readonly kind: 'denied'; readonly detail: string }
  /**
   * Refused before any check: the re-check reads /proc (stat field 22, the fd table), which the
   * remote lacks (macOS, the BSDs: listed with lsof). `detail` names the OS or the listing.
   */
  | { readonly kind: 'needs-proc'; readonly detail: string }
  | { readonly kind: 'unreadable'; readonly detail: string };

/** The verified end of one remote kill, with the sentence every face shows. */
export interface RemoteKillReport {
  readonly alias: string;
  readonly port: number;
  readonly pid: number;
  readonly outcome: RemoteKillOutcome;
  /** True only when SIGTERM was sent (`freed`, `still-listening`). */
  readonly signalled: boolean;
  /** One human sentence (cleaned), the same the CLI prints. */
  readonly message: string;
  /** After a permission denial: the exact command to run by hand (Harbormaster never uses sudo). */
  readonly command?: string;
  /** Which path ran it: the remote agent's kill pipeline, or the kill script. */
  readonly via?: 'agent' | 'script';
}
