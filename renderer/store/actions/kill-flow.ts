import { isSelf, SELF_NAME, getSelfPort } from '../../format/self-port.js';
import type { KillReport } from '../../../app/model/actions.js';
import type { HmError } from '../../../app/model/errors.js';
import type { Listener } from '../../../app/model/listener.js';
import { viewerIsRoot } from '../../../app/model/unknown-owner-words.js';
import { describeError, describeKillReport } from '../../format/describe-kill.js';
import { describeOwner } from '../../format/describe.js';
import { incarnationKey, type AppActions, type AppState } from '../app-store.js';
import { killAbility } from '../kill-ability.js';
import type { FlowContext } from './context.js';

/** True when a report says SIGTERM was sent and ignored (and SIGKILL not tried yet). */
export function termFailedIn(report: KillReport): boolean {
  return (
    report.outcome === 'still-running' &&
    report.signals.some((s) => s === 'SIGTERM' || s === 'taskkill') &&
    !report.signals.some((s) => s === 'SIGKILL' || s === 'taskkill /F')
  );
}

/** A fresh id for one kill request, so Cancel can name it to the core (`cancelKill`). */
export function newKillId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `k-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The kill flow: confirm → running → result, or `elevate` (the admin command) for an owner
 * Harbormaster may not signal. The core runs the safe pipeline; this carries the user's choice,
 * remembers a SIGTERM that failed for an incarnation (so Force is SIGKILL at once), lets the user
 * stop waiting, and shows the verified outcome.
 */
export function createKillFlow(
  ctx: FlowContext,
): Pick<AppActions, 'requestKill' | 'confirmKill' | 'closeKill'> {
  let attempts = 0;

  const settle = (l: Listener, attempt: number, report: KillReport | null, error: HmError | null): void => {
    if (ctx.disposed()) return;
    const s = ctx.store.getState();
    const patch: { -readonly [K in keyof AppState]?: AppState[K] } = {};
    if (report && l.owner.kind === 'process' && termFailedIn(report)) {
      patch.termFailed = new Map(s.termFailed).set(
        incarnationKey(l.owner.pid, l.owner.startToken),
        ctx.now(),
      );
    }
    const current = s.kill;
    if (current?.phase === 'running' && current.attempt === attempt) {
      patch.kill = { phase: 'result', listener: l, report, error };
      ctx.store.setState(patch);
      return;
    }
    // The user stopped waiting: say how it ended anyway.
    ctx.store.setState(patch);
    const name = describeOwner(l.owner, s.viewer).name;
    const root = viewerIsRoot(s.viewer);
    const view = report ? describeKillReport(report, name, root) : error ? describeError(error, root) : null;
    if (view) ctx.toast(view.headline, view.tone === 'ok' ? 'ok' : view.tone === 'bad' ? 'bad' : 'info');
  };

  return {
    requestKill(id) {
      const s = ctx.store.getState();
      const live = s.byId.get(id);
      const l = live ?? s.ghosts.get(id)?.listener;
      if (!l) return;
      // Never from itself: this window's own server (the core refuses its own pid as well).
      if (isSelf(l, getSelfPort())) {
        ctx.toast(
          `${SELF_NAME}: closing it would cut this window off. Stop serve with Ctrl+C instead.`,
          'info',
        );
        return;
      }
      const ability = killAbility(l, {
        viewer: s.viewer,
        source: s.snapshot?.source ?? 'procfs',
        gone: live === undefined,
      });
      if (ability.kind === 'none') {
        ctx.toast(ability.reason, 'info');
        return;
      }
      if (ability.kind === 'elevate') {
        ctx.store.setState({
          kill: { phase: 'elevate', listener: l, reason: ability.reason, command: ability.command },
        });
        return;
      }
      const o = l.owner;
      const failedAt =
        o.kind === 'process' ? (s.termFailed.get(incarnationKey(o.pid, o.startToken)) ?? null) : null;
      ctx.store.setState({ kill: { phase: 'confirm', listener: l, termFailedAt: failedAt } });
    },
    confirmKill(mode) {
      const s = ctx.store.getState();
      const flow = s.kill;
      if (!flow || (flow.phase !== 'confirm' && flow.phase !== 'result')) return;
      const l = flow.listener;
      const o = l.owner;
      if (o.kind !== 'process') return;
      const key = incarnationKey(o.pid, o.startToken);
      const afterFailedTerm = mode === 'force' && s.termFailed.has(key);
      const attempt = ++attempts;
      const killId = newKillId();
      ctx.store.setState({
        kill: { phase: 'running', listener: l, mode, attempt, killId },
        killed: new Set(s.killed).add(key),
      });
      ctx.api
        .kill({
          listenerId: l.id,
          pid: o.pid,
          startToken: o.startToken,
          mode,
          killId,
          ...(afterFailedTerm ? { afterFailedTerm: true } : {}),
        })
        .then(
          (r) => (r.ok ? settle(l, attempt, r.value, null) : settle(l, attempt, null, r.error)),
          () =>
            settle(l, attempt, null, {
              code: 'INTERNAL',
              message:
                'The connection was lost before the result arrived; check the list to see if it is gone.',
            }),
        );
    },
    closeKill() {
      const flow = ctx.store.getState().kill;
      if (flow?.phase === 'running') {
        // The core stops its wait too: nothing more is sent (no SIGKILL after the grace period),
        // and its answer (cancelled, or how it ended if it was too late) arrives as a toast.
        const name = describeOwner(flow.listener.owner, ctx.store.getState().viewer).name;
        ctx.api.cancelKill({ killId: flow.killId }).catch(() => undefined);
        ctx.toast(`Cancelling: nothing more is sent to ${name}. The result follows here.`, 'info');
      }
      ctx.store.setState({ kill: null });
    },
  };
}
