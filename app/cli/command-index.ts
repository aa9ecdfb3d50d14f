import type { CliCommand } from './types.js';

/**
 * One subcommand by name, with how to load it. Each command's module (and everything only it
 * needs: zod, the kill pipeline, serve's server, why's diagnosis, the ssh layer) is imported
 * only when that command runs, so `who` does not pay for `serve` (issue 14 item 2: the bundler
 * turns each of these imports into its own chunk).
 */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<CliCommand>;
}

/** Every subcommand, in help order. */
export const COMMAND_INDEX: readonly CommandEntry[] = [
  { name: 'list', load: async () => (await import('./commands/list.js')).listCommand },
  { name: 'who', load: async () => (await import('./commands/who.js')).whoCommand },
  { name: 'check', load: async () => (await import('./commands/check.js')).checkCommand },
  { name: 'kill', load: async () => (await import('./commands/kill.js')).killCommand },
  { name: 'open', load: async () => (await import('./commands/open.js')).openCommand },
  { name: 'free', load: async () => (await import('./commands/free.js')).freeCommand },
  {
    name: 'stop-container',
    load: async () => (await import('./commands/container.js')).stopContainerCommand,
  },
  {
    name: 'restart-container',
    load: async () => (await import('./commands/container.js')).restartContainerCommand,
  },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).serveCommand },
  { name: 'why', load: async () => (await import('./commands/why.js')).whyCommand },
  { name: 'history', load: async () => (await import('./commands/history.js')).historyCommand },
  { name: 'hosts', load: async () => (await import('./commands/forward.js')).hostsCommand },
  { name: 'forward', load: async () => (await import('./commands/forward.js')).forwardCommand },
  { name: 'forwards', load: async () => (await import('./commands/forward.js')).forwardsCommand },
  { name: 'trust', load: async () => (await import('./commands/trust.js')).trustCommand },
  { name: 'pin', load: async () => (await import('./commands/pin.js')).pinCommand },
  { name: 'unpin', load: async () => (await import('./commands/pin.js')).unpinCommand },
  { name: 'pins', load: async () => (await import('./commands/pin.js')).pinsCommand },
  { name: 'agent', load: async () => (await import('./commands/agent.js')).agentCommand },
];

/** Loads every command (for the full help text only). */
export async function loadAllCommands(): Promise<CliCommand[]> {
  return Promise.all(COMMAND_INDEX.map((c) => c.load()));
}

/** True when `args` carry `--host`, before a `--` (the remote layer loads only then). */
export function mentionsHost(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--host' || a.startsWith('--host=')) return true;
  }
  return false;
}
