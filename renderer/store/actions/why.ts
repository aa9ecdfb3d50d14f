import { portIntent } from '../search-query.js';
import type { AppActions } from '../app-store.js';
import type { FlowContext } from './context.js';

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
  let whySeq = 0;
  let historySeq = 0;
  return {
    diagnose(target) {
      const text = target.trim();
      if (text === '') return;
      const current = ctx.store.getState().why;
      if (current.status === 'loading' && current.target === text) return;
      const seq = ++whySeq;
      ctx.store.setState({ why: { status: 'loading', target: text } });
      ctx.api.why({ target: text }).then(
        (r) => {
          if (ctx.disposed() || seq !== whySeq) return;
          ctx.store.setState({
            why: r.ok
              ? { status: 'done', target: text, diagnosis: r.value }
              : { status: 'failed', target: text, error: r.error },
          });
        },
        () => {
          if (ctx.disposed() || seq !== whySeq) return;
          ctx.store.setState({ why: { status: 'failed', target: text, error: LOST } });
        },
      );
    },
    loadPortHistory(port) {
      const seq = ++historySeq;
      ctx.store.setState({ portHistory: { status: 'loading', port } });
      ctx.api.portHistory({ port }).then(
        (r) => {
          if (ctx.disposed() || seq !== historySeq) return;
          ctx.store.setState({
            portHistory: r.ok
              ? { status: 'done', port, history: r.value }
              : { status: 'failed', port, error: r.error },
          });
        },
        () => {
          if (ctx.disposed() || seq !== historySeq) return;
          ctx.store.setState({ portHistory: { status: 'failed', port, error: LOST } });
        },
      );
    },
  };
}
