import { portIntent } from '../search-query.js';
import type { AppActions } from '../app-store.js';
import type { FlowContext } from './context.js';
import { newestOnly } from './newest-only.js';

/**
 * What to ask `why` about for the filter text: the text itself when it names a port (`3000`,
 * `localhost:3000`, `[::1]:3000`, a pasted URL), else null. The core parses it strictly.
 */
export function whyTargetOf(query: string): string | null {
  const kind = portIntent(query).kind;
  return kind === 'exact' || kind === 'digits' ? query.trim() : null;
}

/** The filter text when it names a host too (`localhost:3000`, a URL), not just a port. */
export function explicitTargetOf(query: string): string | null {
  const q = query.trim();
  return portIntent(q).kind === 'exact' && !q.startsWith(':') ? q : null;
}

type WhyActions = Pick<AppActions, 'diagnose' | 'loadPortHistory'>;

const LOST = { code: 'INTERNAL', message: 'The core did not answer (connection lost?).' } as const;

/**
 * "Why can't I connect?" in the window (issue 13): asks the core's `why` for a target and keeps
 * the newest answer only, and loads a port's remembered history for the details pane.
 */
export function createWhy(ctx: Omit<FlowContext, 'refreshLookup'>): WhyActions {
  const whys = newestOnly(ctx.disposed);
  const histories = newestOnly(ctx.disposed);
  return {
    diagnose(target) {
      const text = target.trim();
      if (text === '') return;
      const current = ctx.store.getState().why;
      if (current.status === 'loading' && current.target === text) return;
      const ticket = whys.next();
      ctx.store.setState({ why: { status: 'loading', target: text } });
      whys.settle(ticket, ctx.api.why({ target: text }), (r) =>
        ctx.store.setState({
          why: r?.ok
            ? { status: 'done', target: text, diagnosis: r.value }
            : { status: 'failed', target: text, error: r ? r.error : LOST },
        }),
      );
    },
    loadPortHistory(port) {
      const ticket = histories.next();
      ctx.store.setState({ portHistory: { status: 'loading', port } });
      histories.settle(ticket, ctx.api.portHistory({ port }), (r) =>
        ctx.store.setState({
          portHistory: r?.ok
            ? { status: 'done', port, history: r.value }
            : { status: 'failed', port, error: r ? r.error : LOST },
        }),
      );
    },
  };
}
