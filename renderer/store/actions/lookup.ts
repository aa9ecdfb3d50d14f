import { viewOf } from '../view-of.js';
import { explicitTargetOf, whyTargetOf } from './why.js';
import type { FlowContext, Timer } from './context.js';
import { newestOnly } from './newest-only.js';

/**
 * The "is port N free?" flow: when the filter names a port no listed socket holds, ask the core
 * after a short debounce; a newer question (or a push that lists the port) supersedes an older one.
 */
export function createLookup(ctx: Omit<FlowContext, 'refreshLookup'>, lookupDelay: number): () => void {
  let lookupTimer: Timer | null = null;
  const lookups = newestOnly(ctx.disposed);
  let whyTimer: Timer | null = null;
  // Asks `why` once per target, after the same debounce as the lookup (not on every push).
  const autoDiagnose = (target: string): void => {
    const why = ctx.store.getState().why;
    if (why.status !== 'idle' && why.target === target) return;
    ctx.cancel(whyTimer);
    whyTimer = ctx.later(() => {
      whyTimer = null;
      if (whyTargetOf(ctx.store.getState().query) === target) ctx.actions().diagnose(target);
    }, lookupDelay);
  };
  return (): void => {
    const s = ctx.store.getState();
    const view = viewOf(s);
    const intent = view.intent;
    // A pasted URL or host:port is a question about reaching it, even when its port is listed
    // (a server on ::1 only, asked at 127.0.0.1): answer it too (issue 13).
    const explicit = explicitTargetOf(s.query);
    if (explicit !== null && view.portHeld && s.phase === 'ready') autoDiagnose(explicit);
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
    const ticket = lookups.next();
    ctx.store.setState({ lookup: { status: 'loading', port } });
    lookupTimer = ctx.later(() => {
      lookups.settle(ticket, ctx.api.lookup({ port }), (r) => {
        ctx.store.setState({
          lookup: r?.ok
            ? { status: 'done', port, result: r.value }
            : {
                status: 'failed',
                port,
                error: r
                  ? r.error
                  : { code: 'INTERNAL', message: 'The lookup did not answer (connection lost?).' },
              },
        });
        // Nothing listed matches: the pane shows why, not only "free" (issue 13). Not after a lost
        // connection: there is no core to ask.
        if (r) autoDiagnose(whyTargetOf(ctx.store.getState().query) ?? String(port));
      });
    }, lookupDelay);
  };
}
