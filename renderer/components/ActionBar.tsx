import { isSelf, SELF_NAME, getSelfPort } from '../format/self-port.js';
import type { Listener } from '../../app/model/listener.js';
import { containerOf } from '../format/container.js';
import { useActions, useApp } from '../store/store-context.js';

/** The actions for the selected listener (a toolbar, so rows stay simple ARIA options). */
export function ActionBar({
  listener,
  showDetailsToggle,
}: {
  readonly listener: Listener;
  readonly showDetailsToggle: boolean;
}) {
  const actions = useActions();
  const watched = useApp((s) => s.settings.watchedPorts.includes(listener.port));
  const detailsOpen = useApp((s) => s.detailsOpen);
  const self = isSelf(listener, getSelfPort());
  const canKill = !self && (listener.owner.kind === 'process' || listener.owner.pid !== null);
  const container = containerOf(listener.owner);
  return (
    <div className="action-bar" role="toolbar" aria-label={`Actions for port ${listener.port}`}>
      <button
        type="button"
        className="btn primary"
        disabled={listener.url === null}
        title={listener.url === null ? 'Not a web server' : 'Open in the browser (Enter)'}
        onClick={() => actions.open(listener.id)}
      >
        Open
      </button>
      <button
        type="button"
        className="btn"
        disabled={listener.url === null}
        title="Copy the URL"
        onClick={() => actions.copy(listener.id, 'url')}
      >
        Copy URL
      </button>
      <button
        type="button"
        className="btn"
        aria-label="Check health now"
        title="Probe this listener now"
        onClick={() => actions.checkHealth(listener.id)}
      >
        Check
      </button>
      <button
        type="button"
        className="btn"
        aria-pressed={watched}
        title="Notify when this port goes down or comes back"
        onClick={() => actions.toggleWatch(listener.port)}
      >
        {watched ? 'Watching' : 'Watch'}
      </button>
      {showDetailsToggle ? (
        <button
          type="button"
          className="btn"
          aria-expanded={detailsOpen}
          onClick={() => actions.setDetailsOpen(!detailsOpen)}
        >
          Details
        </button>
      ) : null}
      <span className="spacer" />
      <button
        type="button"
        className="btn danger"
        disabled={!canKill}
        title={
          self
            ? `${SELF_NAME}: it cannot be killed from itself`
            : container
              ? `Stop container ${container.name} (Ctrl+K or Delete)`
              : 'Stop the owning process (Ctrl+K or Delete)'
        }
        onClick={() => actions.requestKill(listener.id)}
      >
        {container ? 'Stop container…' : 'Kill…'}
      </button>
    </div>
  );
}
