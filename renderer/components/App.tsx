import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { summaryText } from '../format/describe.js';
import { cleanText } from '../format/text.js';
import { formatAgo } from '../format/time.js';
import { viewOf } from '../store/connect-api.js';
import { isPaused } from '../store/app-store.js';
import { useActions, useApp } from '../store/store-context.js';
import { ActionBar } from './ActionBar.js';
import { DetailsPane } from './DetailsPane.js';
import { FilterBar } from './FilterBar.js';
import { HostsSection } from './HostsSection.js';
import { KillDialog } from './KillDialog.js';
import { ListView, type Density } from './ListView.js';
import { PortHint } from './PortHint.js';
import { StatusBanner } from './StatusBanner.js';
import { ToastView } from './ToastView.js';
import { useWindowRoute } from './use-window-route.js';
import { WatchedDown } from './WatchedDown.js';

/** Container width at which the full-window (roomy) layout takes over from the popover one. */
export const ROOMY_MIN_WIDTH = 720;

function isTextField(el: Element | null): boolean {
  return (
    el instanceof HTMLInputElement ||
    el instanceof HTMLTextAreaElement ||
    (el as HTMLElement | null)?.isContentEditable === true
  );
}

function EmptyState() {
  const phase = useApp((s) => s.phase);
  const loadError = useApp((s) => s.loadError);
  const snapshot = useApp((s) => s.snapshot);
  const total = useApp((s) => s.listeners.length);
  const query = useApp((s) => s.query);
  const view = useApp(viewOf);
  if (phase === 'loading') {
    return (
      <div className="empty" role="status">
        <span className="spinner" aria-hidden="true" /> Scanning listening ports…
      </div>
    );
  }
  if (phase === 'error') {
    return (
      <div className="empty tone-bad" role="alert">
        Could not load the list: {loadError ?? 'unknown error'}. It will retry when the connection returns.
      </div>
    );
  }
  if (view.rowIds.length > 0) return null;
  if (total === 0) {
    if (snapshot && (snapshot.status === 'failed' || snapshot.stale)) {
      return (
        <div className="empty tone-bad" role="status">
          No list: the scan failed and there is no earlier result.
        </div>
      );
    }
    return (
      <div className="empty" role="status">
        Nothing is listening.
        <span className="muted"> Complete scan{snapshot ? ` via ${snapshot.source}` : ''}.</span>
      </div>
    );
  }
  const hidden = view.hiddenOther + view.hiddenSystem;
  return (
    <div className="empty" role="status">
      {query.trim() ? <>No listener matches “{cleanText(query)}”.</> : <>No listeners of yours.</>}
      {hidden > 0 ? (
        <span className="muted">
          {' '}
          {hidden} hidden ({view.hiddenOther} other users, {view.hiddenSystem} system): use the toggles above.
        </span>
      ) : null}
    </div>
  );
}

function Summary() {
  const snapshot = useApp((s) => s.snapshot);
  const now = useApp((s) => s.now);
  const connection = useApp((s) => s.connection);
  const view = useApp(viewOf);
  const total = useApp((s) => s.listeners.length);
  return (
    <div className="summary" aria-label="Scan summary">
      <span
        className={`conn-dot conn-${connection}`}
        title={`Connection: ${connection}`}
        aria-hidden="true"
      />
      {snapshot ? (
        <span>
          {summaryText({
            shown: view.matched,
            total,
            hiddenOther: view.hiddenOther,
            hiddenSystem: view.hiddenSystem,
            hiddenSelf: view.hiddenSelf,
          })}
          <span className="muted">
            {' '}
            · {snapshot.source} · {formatAgo(snapshot.takenAt, Math.max(now, snapshot.takenAt))}
          </span>
        </span>
      ) : (
        <span className="muted">scanning…</span>
      )}
    </div>
  );
}

/**
 * Pause/Resume scanning. While paused the list is frozen on purpose, so the header says "Paused"
 * next to the snapshot's age (which keeps counting) and the button offers to resume.
 */
function PauseControl() {
  const paused = useApp(isPaused);
  const pending = useApp((s) => s.pausePending);
  const actions = useActions();
  return (
    <div className="pause">
      {paused ? <span className="paused-badge">Paused</span> : null}
      <button
        type="button"
        className="btn pause-toggle"
        aria-label={paused ? 'Resume scanning' : 'Pause scanning'}
        aria-busy={pending}
        disabled={pending}
        title={
          paused
            ? 'Scanning is paused: the list is not live. Resume to scan again.'
            : 'Pause scanning: the list stops updating until you resume.'
        }
        onClick={() => actions.setPaused(!paused)}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
    </div>
  );
}

/** The whole window: filter, banners, virtualized list, details and actions, kill dialog. */
export function App({ virtualized = true }: { readonly virtualized?: boolean }) {
  const root = useRef<HTMLDivElement>(null);
  const filter = useRef<HTMLInputElement>(null);
  const [density, setDensity] = useState<Density>('compact');
  const actions = useActions();
  const selectedId = useApp((s) => s.selectedId);
  const selected = useApp((s) =>
    s.selectedId === null ? null : (s.byId.get(s.selectedId) ?? s.ghosts.get(s.selectedId)?.listener ?? null),
  );
  const detailsOpen = useApp((s) => s.detailsOpen);
  const theme = useApp((s) => s.settings.theme);
  const version = useApp((s) => s.version);
  const versionLine = version ? `Harbormaster ${version.app} · contract v${version.contract}` : null;
  useWindowRoute(filter);

  useLayoutEffect(() => {
    const el = root.current;
    if (!el) return undefined;
    const measure = (): void => {
      const w = el.clientWidth;
      if (w > 0) setDensity(w >= ROOMY_MIN_WIDTH ? 'roomy' : 'compact');
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const html = document.documentElement;
    if (theme === 'system') delete html.dataset['theme'];
    else html.dataset['theme'] = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented) return;
      const active = document.activeElement;
      const inFilter = active === filter.current;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && (e.key === 'k' || e.key === 'K')) {
        // Ctrl+K / ⌘K: kill the selected listener (always with the confirmation dialog).
        e.preventDefault();
        if (selectedId !== null) actions.requestKill(selectedId);
        return;
      }
      if (e.key === 'Escape') {
        const s = filter.current;
        if (detailsOpen) actions.setDetailsOpen(false);
        else if (s && s.value !== '') {
          actions.setQuery('');
          s.focus();
        } else return;
        e.preventDefault();
        return;
      }
      if (e.key === 'Enter' && !mod && !e.altKey) {
        // Enter opens from the filter or the list; on a button it presses the button instead.
        const onList = active instanceof HTMLElement && active.getAttribute('role') === 'listbox';
        if ((inFilter || onList || active === document.body || active === null) && selectedId !== null) {
          e.preventDefault();
          actions.open(selectedId);
        }
        return;
      }
      if (inFilter && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        actions.moveSelection(e.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (e.key === 'Delete' && !isTextField(active)) {
        e.preventDefault();
        if (selectedId !== null) actions.requestKill(selectedId);
        return;
      }
      // Type to filter: a printable key anywhere but a text field goes to the search box.
      if (
        e.key.length === 1 &&
        e.key !== ' ' &&
        !mod &&
        !e.altKey &&
        !isTextField(active) &&
        filter.current
      ) {
        e.preventDefault();
        filter.current.focus();
        actions.setQuery(filter.current.value + e.key);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [actions, selectedId, detailsOpen]);

  const roomy = density === 'roomy';
  return (
    <div ref={root} className="app" data-density={density}>
      <header className="topbar">
        <h1 className="brand" title={versionLine ?? undefined}>
          Harbormaster
        </h1>
        <Summary />
        <PauseControl />
      </header>
      <FilterBar ref={filter} />
      <StatusBanner />
      <PortHint />
      <WatchedDown />
      <HostsSection />
      <main className="main">
        <div className="list-pane">
          {roomy ? (
            <div className="list-head" aria-hidden="true">
              <span>Port</span>
              <span>Name</span>
              <span>Proto</span>
              <span>Address</span>
              <span>PID</span>
              <span>User</span>
              <span>Up</span>
              <span>Health</span>
            </div>
          ) : null}
          <ListView density={density} virtualized={virtualized} />
          <EmptyState />
        </div>
        {roomy && selected ? (
          <aside className="side">
            <ActionBar listener={selected} showDetailsToggle={false} />
            <DetailsPane listener={selected} />
          </aside>
        ) : null}
      </main>
      {!roomy && selected ? (
        <footer className="bottom">
          <ActionBar listener={selected} showDetailsToggle />
        </footer>
      ) : null}
      {!roomy && selected && detailsOpen ? (
        <div className="sheet">
          <DetailsPane listener={selected} onClose={() => actions.setDetailsOpen(false)} />
        </div>
      ) : null}
      <ToastView />
      <KillDialog />
    </div>
  );
}
