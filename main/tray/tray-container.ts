import { isContainerPlumbing } from '../../app/containers/join.js';
import type { ContainerInfo } from '../../app/model/container.js';
import type { Listener } from '../../app/model/listener.js';
import { cleanText } from '../../app/model/clean-text.js';
import { cleanDialog } from '../clean-output.js';

/**
 * The tray's container actions (issue 10): a port that docker-proxy, dockerd or another engine
 * helper holds is freed by stopping the container through the Engine API, never by a signal to the
 * plumbing (killing docker-proxy breaks the mapping while the container runs on; killing dockerd
 * stops every container). Pure: the menu builder and the action runner use these.
 */

/** How the tray treats a listener's owner: an ordinary process, or a container's plumbing. */
export type ContainerOwnership =
  | { readonly kind: 'none' }
  | { readonly kind: 'known'; readonly info: ContainerInfo; readonly holder: string }
  /** Plumbing whose container the engine did not name (no socket access, or not matched). */
  | { readonly kind: 'unknown'; readonly holder: string; readonly denied: boolean };

/** Whether the listener is held for a container, and which one. */
export function containerOwnership(listener: Listener): ContainerOwnership {
  const o = listener.owner;
  if (o.kind !== 'process') return { kind: 'none' };
  const info = o.container?.info;
  if (info) return { kind: 'known', info, holder: o.name };
  if (isContainerPlumbing(o.name, o.exe))
    return { kind: 'unknown', holder: o.name, denied: o.container?.access === 'denied' };
  return { kind: 'none' };
}

/** `web · img` as the menu shows a container (untrusted engine text, cleaned). */
export function containerLabel(info: ContainerInfo): string {
  return `${cleanText(info.name, { max: 40 })} · ${cleanText(info.image, { max: 40 })}`;
}

function socketText(p: { protocol: string; hostIp: string; hostPort: number }): string {
  return `${p.protocol} ${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}`;
}

/** The confirmation before stopping or restarting a container from the tray. */
export function containerConfirmation(
  info: ContainerInfo,
  action: 'stop' | 'restart',
  holder: string,
): { message: string; detail: string; buttons: [string, string] } {
  const verb = action === 'stop' ? 'Stop container' : 'Restart container';
  const name = cleanText(info.name, { max: 80 });
  return cleanDialog({
    message: `${verb} ${name}?`,
    detail: [
      `Image: ${cleanText(info.image, { max: 200 })} · id ${info.shortId}`,
      info.composeProject
        ? `Compose: ${cleanText(info.composeProject, { max: 80 })}/${cleanText(info.composeService ?? '?', { max: 80 })}`
        : null,
      `Restart policy: ${cleanText(info.restartPolicy, { max: 40 })}`,
      `Published: ${info.published.length > 0 ? info.published.map(socketText).join(', ') : 'nothing'}`,
      `Harbormaster ${action === 'stop' ? 'stops' : 'restarts'} the container through Docker and checks its ports; it never signals ${cleanText(holder, { max: 40 })}.`,
    ]
      .filter((x): x is string => x !== null)
      .join('\n'),
    buttons: ['Cancel', verb],
  });
}
