import { isSelf, SELF_NAME, getSelfPort } from '../../format/self-port.js';
import { elevatedKillCommand, platformOfSource } from '../../../app/model/commands.js';
import type { HmError } from '../../../app/model/errors.js';
import type { Listener } from '../../../app/model/listener.js';
import type { AppActions } from '../app-store.js';
import type { FlowContext } from './context.js';

/**
 * The kill flow: confirm → running → result. The core runs the safe pipeline; this only carries
 * the user's choice and shows the verified outcome (or the admin command for an owner we cannot see).
 */
export function createKillFlow(
  ctx: FlowContext,
): Pick<AppActions, 'requestKill' | 'confirmKill' | 'closeKill'> {
  const failed = (listener: Listener, error: HmError): void =>
    ctx.store.setState({ kill: { phase: 'result', listener, report: null, error } });
  return {
    requestKill(id) {
      const l = ctx.listenerById(id);
      if (!l) return;
      // Never from itself: this window's own server (the core refuses its own pid as well).
      if (isSelf(l, getSelfPort())) {
        ctx.toast(
          `${SELF_NAME}: closing it would cut this window off. Stop serve with Ctrl+C instead.`,
          'info',
        );
        return;
      }
      ctx.store.setState({ kill: { phase: 'confirm', listener: l } });
    },
    confirmKill(mode) {
      const flow = ctx.store.getState().kill;
      if (!flow || flow.phase === 'running') return;
      const l = flow.listener;
      const o = l.owner;
      if (o.kind !== 'process') {
        const platform = platformOfSource(ctx.store.getState().snapshot?.source ?? 'procfs');
        failed(l, {
          code: 'EPERM',
          message:
            'The owner of this socket is not visible to Harbormaster, so it cannot be signalled from here.',
          ...(o.pid !== null ? { command: elevatedKillCommand(o.pid, mode, platform) } : {}),
        });
        return;
      }
      ctx.store.setState({ kill: { phase: 'running', listener: l, mode } });
      ctx.api.kill({ listenerId: l.id, pid: o.pid, startToken: o.startToken, mode }).then(
        (r) => {
          if (ctx.disposed()) return;
          ctx.store.setState({
            kill: r.ok
              ? { phase: 'result', listener: l, report: r.value, error: null }
              : { phase: 'result', listener: l, report: null, error: r.error },
          });
        },
        () => {
          if (ctx.disposed()) return;
          failed(l, {
            code: 'INTERNAL',
            message:
              'The connection was lost before the result arrived; check the list to see if it is gone.',
          });
        },
      );
    },
    closeKill() {
      if (ctx.store.getState().kill?.phase === 'running') return;
      ctx.store.setState({ kill: null });
    },
  };
}
