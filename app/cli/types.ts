import type { HarbormasterService } from '../service/types.js';

/** What a CLI command gets: its output streams, stdin for confirmations, and the core. */
export interface CliContext {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Asks a yes/no or free-text question on the terminal; null when stdin is not interactive. */
  readonly prompt: ((question: string) => Promise<string>) | null;
  /**
   * Creates the core lazily (commands that only validate input never scan). `focus.ports`: the
   * command only needs listeners on these ports (and their holders' other listeners).
   */
  readonly service: (focus?: { readonly ports: readonly number[] }) => Promise<HarbormasterService>;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Calls `handler` on the user's interrupt (Ctrl+C, SIGINT) until the returned function is
   * called; absent: an interrupt ends the process as usual. A second interrupt always ends it.
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

/** One `harbormaster <name>` subcommand. Returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  /** One line for `harbormaster --help`. */
  readonly summary: string;
  /** Full usage text for `harbormaster <name> --help`. */
  readonly usage: string;
  run(args: readonly string[], ctx: CliContext): Promise<number>;
}
