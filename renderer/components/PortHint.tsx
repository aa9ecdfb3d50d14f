import { cleanText } from '../format/text.js';
import { viewOf } from '../store/connect-api.js';
import { useActions, useApp } from '../store/store-context.js';

/** Answers a typed port: invalid (with the valid range), free (with the next free port), or hidden holder. */
export function PortHint() {
  const view = useApp(viewOf);
  const lookup = useApp((s) => s.lookup);
  const actions = useActions();
  const intent = view.intent;
  if (intent.kind === 'invalid') {
    return (
      <div className="hint tone-warn" role="status">
        {cleanText(intent.message)}
      </div>
    );
  }
  if ((intent.kind !== 'exact' && intent.kind !== 'digits') || view.portHeld) return null;
  if (lookup.status === 'idle' || lookup.port !== intent.port) return null;
  if (lookup.status === 'loading') {
    return (
      <div className="hint tone-muted" role="status">
        Nothing listed on port {intent.port}; checking…
      </div>
    );
  }
  if (lookup.status === 'failed') {
    return (
      <div className="hint tone-bad" role="status">
        Could not check port {lookup.port}: {cleanText(lookup.error.message)}
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
  if (r.free) {
    return (
      <div className="hint tone-ok" role="status">
        Port {r.port} is free.{r.nextFree !== r.port ? next : null}
      </div>
    );
  }
  return (
    <div className="hint tone-warn" role="status">
      {r.holders.length > 0
        ? `Port ${r.port} is held by ${r.holders.length} socket(s) not shown by the current filter.`
        : `Nothing listed on port ${r.port}, but it is in use (the owner is hidden: needs admin).`}
      {next}
    </div>
  );
}
