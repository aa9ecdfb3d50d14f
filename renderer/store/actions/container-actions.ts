import type { AppActions } from '../app-store.js';
import { cleanText } from '../../format/text.js';
import type { FlowContext } from './context.js';

/**
 * Restart container (issue 10): beside Stop container (the kill dialog, which the core routes to
 * the Engine API), the window can restart the container behind a docker-proxy/dockerd-held port.
 * The core restarts it by id and verifies its ports; this only shows that verified outcome.
 */
export function createContainerActions(ctx: FlowContext): Pick<AppActions, 'restartContainer'> {
  return {
    restartContainer(id) {
      const l = ctx.listenerById(id);
      const info = l?.owner.kind === 'process' ? l.owner.container?.info : undefined;
      if (!info) {
        ctx.toast('That port is no longer held for a container.', 'info');
        return;
      }
      ctx.toast(`Restarting container ${cleanText(info.name)}…`, 'info');
      ctx.api.containerAction({ container: info.id, action: 'restart' }).then(
        (r) => {
          if (ctx.disposed()) return;
          if (r.ok) ctx.toast(cleanText(r.value.message), r.value.outcome === 'restarted' ? 'ok' : 'bad');
          else ctx.toast(cleanText(r.error.message), 'bad');
        },
        () => {
          if (!ctx.disposed()) ctx.toast('The connection was lost before the restart was confirmed.', 'bad');
        },
      );
    },
  };
}
