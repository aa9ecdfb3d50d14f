import { viewOf } from '../view-of.js';
import { whyTargetOf } from './why.js';
import type { FlowContext, Timer } from './context.js';

/**
 * The "is port N free?" flow: when the filter names a port no listed socket holds, ask the core
 * after a short debounce; a newer question (or a push that lists the port) supersedes an older one.
 */
export function createLookup(ctx: Omit<FlowContext, 'refreshLookup'>, lookupDelay: number): () => void {
  let lookupTimer: Timer | null = null;
  let lookupSeq = 0;
  return (): void => {
    const s = ctx.store.getState();
    const view = viewOf(s);
    const intent = view.intent;
    if ((intent.kind !== 'exact' && intent.kind !== 'digits') || view.portHeld || s.phase !== 'ready') {
      ctx.cancel(lookupTimer);
      lookupTimer = null;
      if (s.lookup.status !== 'idle') ctx.store.setState({ lookup: { status: 'idle' } });
      return;
    }
    const port = intent.port;
    const current = s.lookup;
    // Same port already loading or answered: keep its pending request. (Cancelling first and then
    // returning here left a push arriving during the debounce with "checking…" forever.)
    if (current.status !== 'idle' && current.port === port) return;
    ctx.cancel(lookupTimer);
    lookupTimer = null;
    const seq = ++lookupSeq;
    ctx.store.setState({ lookup: { status: 'loading', port } });
    lookupTimer = ctx.later(() => {
      ctx.api.lookup({ port }).then(
        (r) => {
          if (ctx.disposed() || seq !== lookupSeq) return;
          ctx.store.setState({
            lookup: r.ok
              ? { status: 'done', port, result: r.value }
              : { status: 'failed', port, error: r.error },
          });
          // Nothing listed matches: the pane shows why, not only "free" (issue 13).
          ctx.actions().diagnose(whyTargetOf(ctx.store.getState().query) ?? String(port));
        },
        () => {
          if (ctx.disposed() || seq !== lookupSeq) return;
          ctx.store.setState({
            lookup: {
              status: 'failed',
              port,
              error: { code: 'INTERNAL', message: 'The lookup did not answer (connection lost?).' },
            },
          });
        },
      );
    }, lookupDelay);
  };
}
