import { useMemo } from 'react';
import { describeOwner } from '../format/describe.js';
import { useActions, useApp } from '../store/store-context.js';

const NONE: readonly number[] = [];

/**
 * Watched ports with nothing listening, pinned above the list as "down" rows (issue 16 item 5):
 * when it went down and what held it, while this window saw it. A down port has nothing to open,
 * check or kill, so the only action is to stop watching it.
 */
export function WatchedDown() {
  const watched = useApp((s) => (s.phase === 'ready' ? s.settings.watchedPorts : NONE));
  const listeners = useApp((s) => s.listeners);
  const down = useApp((s) => s.downWatched);
  const viewer = useApp((s) => s.viewer);
  const actions = useActions();
  const ports = useMemo(() => {
    const up = new Set(listeners.map((l) => l.port));
    return watched.filter((p) => !up.has(p));
  }, [watched, listeners]);
  if (ports.length === 0) return null;
  return (
    <section className="watch-down" aria-label="Watched ports that are down">
      <ul>
        {ports.map((port) => {
          const d = down.get(port);
          const last = d?.last ?? null;
          const owner = last ? describeOwner(last.owner, viewer) : null;
          return (
            <li key={port} className="down-row" data-port={port}>
              <span className="port">{port}</span> <span className="badge tone-bad">down</span>{' '}
              <span className="down-what">
                {d ? (
                  <>
                    since{' '}
                    <time dateTime={new Date(d.since).toISOString()}>
                      {new Date(d.since).toLocaleTimeString()}
                    </time>
                    {owner ? (
                      <>
                        {' '}
                        · was {owner.name}
                        {owner.pid !== null ? ` (pid ${owner.pid})` : ''}
                        {owner.project !== null ? ` · ${owner.project}` : ''}
                      </>
                    ) : null}
                  </>
                ) : (
                  'nothing listens (watched)'
                )}
              </span>
              <button
                type="button"
                className="btn"
                aria-label={`Stop watching port ${port}`}
                onClick={() => actions.toggleWatch(port)}
              >
                Stop watching
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
