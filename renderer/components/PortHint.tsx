import { viewerIsRoot } from '../../app/model/unknown-owner-words.js';
import { cleanText } from '../format/text.js';
import { viewOf } from '../store/connect-api.js';
import { explicitTargetOf, whyTargetOf } from '../store/actions/why.js';
import { useActions, useApp } from '../store/store-context.js';
import { DiagnosisView } from './DiagnosisView.js';

/** The diagnosis for the filter's target, once asked (verdict first), and a "Why?" to ask again. */
function WhyPart({ target }: { readonly target: string }) {
  const why = useApp((s) => s.why);
  const actions = useActions();
  const ask = (
    <button
      type="button"
      className="btn small"
      aria-label={`Why can't I connect to ${cleanText(target)}?`}
      onClick={() => actions.diagnose(target)}
    >
      Why?
    </button>
  );
  if (why.status === 'idle' || why.target !== target) return ask;
  if (why.status === 'loading') {
    return (
      <div className="hint tone-muted" role="status">
        Diagnosing {cleanText(target)}…
      </div>
    );
  }
  if (why.status === 'failed') {
    return (
      <div className="hint tone-bad" role="status">
        Could not diagnose {cleanText(target)}: {cleanText(why.error.message)} {ask}
      </div>
    );
  }
  return (
    <>
      <DiagnosisView diagnosis={why.diagnosis} />
      {ask}
    </>
  );
}

/**
 * Answers a typed port, `host:port` or pasted URL: invalid (with the valid range), or — when no
 * listed socket matches — why it cannot be reached (verdict first), then free/next free.
 */
export function PortHint() {
  const view = useApp(viewOf);
  const lookup = useApp((s) => s.lookup);
  const query = useApp((s) => s.query);
  const root = useApp((s) => viewerIsRoot(s.viewer));
  const actions = useActions();
  const intent = view.intent;
  if (intent.kind === 'invalid') {
    return (
      <div className="hint tone-warn" role="status">
        {cleanText(intent.message)}
      </div>
    );
  }
  const explicit = explicitTargetOf(query);
  if (explicit !== null && view.portHeld) {
    // Listed, but asked at a host: whether that address answers is the question.
    return (
      <div className="lookup-pane">
        <WhyPart target={explicit} />
      </div>
    );
  }
  if ((intent.kind !== 'exact' && intent.kind !== 'digits') || view.portHeld) return null;
  if (lookup.status === 'idle' || lookup.port !== intent.port) return null;
  const target = whyTargetOf(query) ?? String(intent.port);
  if (lookup.status === 'loading') {
    return (
      <div className="hint tone-muted" role="status">
        Nothing listed on port {intent.port}; checking…
      </div>
    );
  }
  if (lookup.status === 'failed') {
    return (
      <div className="lookup-pane">
        <div className="hint tone-bad" role="status">
          Could not check port {lookup.port}: {cleanText(lookup.error.message)}
        </div>
        <WhyPart target={target} />
      </div>
    );
  }
  const r = lookup.result;
  const next =
    r.nextFree === null ? (
      <span> No free port above it.</span>
    ) : (
      <>
        {' '}
        Next free port:{' '}
        <button
          type="button"
          className="link"
          title="Copy this port number"
          onClick={() => actions.copyText(String(r.nextFree), `port ${r.nextFree}`)}
        >
          {r.nextFree}
        </button>
      </>
    );
  return (
    <div className="lookup-pane">
      <WhyPart target={target} />
      {r.free ? (
        <div className="hint tone-ok" role="status">
          Port {r.port} is free.{r.nextFree !== r.port ? next : null}
        </div>
      ) : (
        <div className="hint tone-warn" role="status">
          {r.holders.length > 0
            ? `Port ${r.port} is held by ${r.holders.length} socket(s) not shown by the current filter.`
            : root
              ? `Nothing listed on port ${r.port}, but it is in use (its owner is hidden even from root: another namespace, or a confined root).`
              : `Nothing listed on port ${r.port}, but it is in use (the owner is hidden: needs admin).`}
          {next}
        </div>
      )}
    </div>
  );
}
