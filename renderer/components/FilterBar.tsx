import { forwardRef } from 'react';
import { viewOf } from '../store/connect-api.js';
import { useActions, useApp } from '../store/store-context.js';

/** The search box plus grouping and scope toggles. */
export const FilterBar = forwardRef<HTMLInputElement>(function FilterBar(_props, ref) {
  const query = useApp((s) => s.query);
  const grouping = useApp((s) => s.grouping);
  const showOther = useApp((s) => s.settings.showOtherUsers);
  const showSystem = useApp((s) => s.settings.showSystem);
  const currentUser = useApp((s) => s.currentUser);
  const view = useApp(viewOf);
  const actions = useActions();
  return (
    <div className="filter-bar">
      <div className="search">
        <input
          ref={ref}
          type="search"
          className="search-input"
          aria-label="Filter listeners"
          aria-controls="listener-list"
          placeholder="Filter: port, :3000, name, pid, project…"
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => actions.setQuery(e.currentTarget.value)}
        />
      </div>
      <div className="toggles" role="group" aria-label="View options">
        <button
          type="button"
          className="chip"
          aria-pressed={grouping === 'grouped'}
          title="Group the listeners of a container, compose project, or a process or project that has more than one (off: one list by port)"
          onClick={() => actions.setGrouping(grouping === 'grouped' ? 'flat' : 'grouped')}
        >
          {/* One fixed label; the pressed state says whether it is on (a flipping label told
              screen readers the opposite of the state). */}
          Group
        </button>
        <button
          type="button"
          className="chip"
          aria-pressed={showOther}
          title={`Show other users' processes${currentUser ? ` (you are treated as ${currentUser})` : ''}`}
          onClick={() => actions.setShowOtherUsers(!showOther)}
        >
          Other users{!showOther && view.hiddenOther > 0 ? ` +${view.hiddenOther}` : ''}
        </button>
        <button
          type="button"
          className="chip"
          aria-pressed={showSystem}
          title="Show system services (root and service accounts)"
          onClick={() => actions.setShowSystem(!showSystem)}
        >
          System{!showSystem && view.hiddenSystem > 0 ? ` +${view.hiddenSystem}` : ''}
        </button>
      </div>
    </div>
  );
});
