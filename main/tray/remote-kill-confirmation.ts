import { cleanText } from '../../app/model/clean-text.js';
import type { RemoteListener } from '../../app/model/remote-host.js';
import { cleanDialog } from '../clean-output.js';
import { formatUptime } from './kill-confirmation.js';

/** `tcp 127.0.0.1:8080`, `tcp [::1]:8080`. */
function socketText(l: RemoteListener): string {
  return `${l.protocol} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`;
}

/**
 * The tray's confirmation of a remote kill (issue 15), like the local one: what tells two "node"s
 * apart (command line, working directory, user, uptime), every port of that host the process
 * holds, and Cancel as the first (default) button. Everything from the remote is cleaned.
 */
export function remoteKillConfirmation(
  alias: string,
  listener: RemoteListener,
  all: readonly RemoteListener[],
  now: number,
): { message: string; detail: string; buttons: [string, string] } {
  const h = listener.holder;
  if (h === null)
    return cleanDialog({
      message: `Port ${listener.port} on ${cleanText(alias)} is held by a process this login cannot see`,
      detail: 'Nothing can be signalled from here.',
      buttons: ['Cancel', 'Cancel'],
    });
  const same = (l: RemoteListener) => socketText(l) === socketText(listener) && l.inode === listener.inode;
  const held = all.filter((l) => !same(l) && l.holder?.pid === h.pid && l.holder.startTicks === h.startTicks);
  const freed = [listener, ...held];
  const more = freed.length - 1;
  return cleanDialog({
    message: `Kill ${cleanText(h.name, { max: 48 })} (pid ${h.pid}) on ${cleanText(alias, { max: 60 })}, holding port ${
      listener.port
    }${more > 0 ? ` and ${more} other listener${more === 1 ? '' : 's'}` : ''}?`,
    detail: [
      `Listens on: ${freed.map(socketText).join(', ')}`,
      `Command: ${cleanText(h.command, { max: 200 })}`,
      `Working dir: ${cleanText(h.cwd ?? 'unknown', { max: 300 })}`,
      `User: ${cleanText(h.user ?? 'unknown', { max: 64 })}`,
      `Running for: ${h.startedAt === null ? 'unknown' : formatUptime(now - h.startedAt)}`,
      'In the same ssh run as the signal, the remote re-checks that it is still this process ' +
        '(pid, start time, user) and still holds the port; then SIGTERM, a wait, and a re-scan.',
    ].join('\n'),
    buttons: ['Cancel', 'Kill'],
  });
}
