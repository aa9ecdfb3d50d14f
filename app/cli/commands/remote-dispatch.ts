import type { CliContext } from '../types.js';
import { remoteKill, remoteOpen } from './remote-actions.js';
import { HOST_COMMANDS, takeHostOption } from './remote-context.js';
import { remoteList, remoteWho, remoteWhy } from './remote-list.js';

/**
 * Runs `name` against a remote host when `args` carry `--host ALIAS`; null when they do not (the
 * local command runs). A hostile alias exits 2 here, before anything is spawned.
 */
export async function runOnHost(
  name: string,
  args: readonly string[],
  ctx: CliContext,
): Promise<number | null> {
  const host = takeHostOption(args);
  if (!host.found) return null;
  if (!host.ok) {
    ctx.stderr(`${host.error}\n`);
    return 2;
  }
  if (!HOST_COMMANDS.includes(name)) {
    ctx.stderr(`${name} does not take --host (it works on: ${HOST_COMMANDS.join(', ')}).\n`);
    return 2;
  }
  switch (name) {
    case 'list':
      return remoteList(host.rest, host.alias, ctx);
    case 'who':
    case 'check':
      return remoteWho(name, host.rest, host.alias, ctx);
    case 'kill':
      return remoteKill(host.rest, host.alias, ctx);
    case 'open':
      return remoteOpen(host.rest, host.alias, ctx);
    case 'why':
      return remoteWhy(host.rest, host.alias, ctx);
    default:
      return 2;
  }
}
