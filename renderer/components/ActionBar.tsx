import { isSelf, SELF_NAME, getSelfPort } from '../format/self-port.js';
import type { Listener } from '../../app/model/listener.js';
import { viewerIsRoot } from '../../app/model/unknown-owner-words.js';
import { containerOf } from '../format/container.js';
import { killAbility } from '../store/kill-ability.js';
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
  // A fading (gone) row offers nothing that acts on it; Kill follows the one enablement rule.
  const gone = useApp((s) => !s.byId.has(listener.id));
  const viewer = useApp((s) => s.viewer);
  const source = useApp((s) => s.snapshot?.source ?? 'procfs');
  const ability = killAbility(listener, { viewer, source, gone });
  const self = isSelf(listener, getSelfPort());
  const canKill = !self && ability.kind !== 'none';
  const noUrl = listener.url === null || gone;
  const container = containerOf(listener.owner);
  return (
    <div className="action-bar" role="toolbar" aria-label={`Actions for port ${listener.port}`}>
      <button
        type="button"
        className="btn primary"
        disabled={noUrl}
        title={gone ? 'No longer listening' : noUrl ? 'Not a web server' : 'Open in the browser (Enter)'}
        onClick={() => actions.open(listener.id)}
      >
        Open
      </button>
      <button
        type="button"
        className="btn"
        disabled={noUrl}
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
            : ability.kind === 'none'
              ? ability.reason
              : container
                ? `Stop container ${container.name} (Ctrl+K or Delete)`
                : ability.kind === 'elevate'
                  ? viewerIsRoot(viewer)
                    ? 'Cannot be signalled from here: shows the command to run (Ctrl+K or Delete)'
                    : 'Needs admin: shows the command to run (Ctrl+K or Delete)'
                  : 'Stop the owning process (Ctrl+K or Delete)'
        }
        onClick={() => actions.requestKill(listener.id)}
      >
        {container ? 'Stop container…' : 'Kill…'}
      </button>
    </div>
  );
}
