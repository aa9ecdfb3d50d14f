import {
  measureElement as measureElementDefault,
  observeElementRect as observeElementRectDefault,
  useVirtualizer,
  type Virtualizer,
} from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
} from 'react';
import type { Listener } from '../../app/model/listener.js';
import { viewOf } from '../store/connect-api.js';
import type { ListItem } from '../store/derive.js';
import { useActions, useApp } from '../store/store-context.js';
import { DownRow, downRowId } from './DownRow.js';
import { ListRow } from './ListRow.js';
import { RowActions, ROW_KEYS_ID } from './RowActions.js';

/** Layout density: compact for the tray popover, roomy for a full window. */
export type Density = 'compact' | 'roomy';

/**
 * Estimated heights per item kind and density. Rows are measured once rendered (so a row with a
 * second line may be taller); the estimate places rows not yet rendered, and stands in where the
 * DOM cannot measure (jsdom).
 */
export const ITEM_HEIGHTS: Record<Density, { group: number; row: number }> = {
  compact: { group: 26, row: 48 },
  roomy: { group: 30, row: 36 },
};

// When the viewport cannot be measured (jsdom, first paint), assume a window this tall.
const FALLBACK_VIEWPORT = 640;
// Items rendered beyond each edge of the viewport, so fast scrolling does not show blanks.
const OVERSCAN_ITEMS = 8;

/** A DOM id for a listener id (ids contain `:`/`%`/`[`, which are awkward in IDREFs). */
/** True when the listener's project is watched (its row shows the watch mark like a watched port). */
function watchedProject(l: Listener, projects: ReadonlySet<string>): boolean {
  return (
    projects.size > 0 &&
    l.owner.kind === 'process' &&
    l.owner.project !== null &&
    projects.has(l.owner.project.name)
  );
}

export function domIdFor(listenerId: string): string {
  return `opt-${listenerId.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

/** The viewport as the virtualizer sees it, with the fallback height where nothing can be measured. */
function observeViewport(
  instance: Virtualizer<HTMLDivElement, HTMLDivElement>,
  cb: (rect: { width: number; height: number }) => void,
): (() => void) | undefined {
  return observeElementRectDefault(instance, (rect) =>
    cb(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_VIEWPORT }),
  );
}

/**
 * The listener list: an ARIA listbox, virtualized with @tanstack/react-virtual, so only the rows in
 * view (plus a margin) exist in the DOM; rendered rows are measured, so rows may differ in height.
 * `virtualized={false}` renders every row; it is the baseline `npm run bench:ui` compares against.
 */
export function ListView({
  density,
  virtualized = true,
}: {
  readonly density: Density;
  readonly virtualized?: boolean;
}) {
  const view = useApp(viewOf);
  const selectedId = useApp((s) => s.selectedId);
  const fresh = useApp((s) => s.fresh);
  const watched = useApp((s) => s.settings.watchedPorts);
  const now = useApp((s) => s.now);
  const viewer = useApp((s) => s.viewer);
  const actions = useActions();
  const scroller = useRef<HTMLDivElement>(null);
  const heights = ITEM_HEIGHTS[density];
  const watchedSet = useMemo(() => new Set(watched), [watched]);
  const projects = useApp((s) => s.settings.watchedProjects);
  const projectSet = useMemo(() => new Set(projects), [projects]);
  const pins = useApp((s) => s.settings.pins);
  const pinByPort = useMemo(() => new Map(pins.map((p) => [p.port, p])), [pins]);
  const items = view.items;
  // Focus in the list or on the selected row's actions: only then do those actions exist (they are
  // the keyboard's way to the hover strip, and would be a second copy of the action bar otherwise).
  const [focusIn, setFocusIn] = useState(false);
  const onFocusIn = useCallback(() => setFocusIn(true), []);
  const onFocusOut = useCallback((e: FocusEvent<HTMLDivElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusIn(false);
  }, []);

  const estimate = useCallback(
    (i: number) => (items[i]?.kind === 'group' ? heights.group : heights.row),
    [items, heights],
  );
  // The virtualizer is read during render by design (TanStack's documented use); this component is
  // not memoized, and the one function passed down (measureElement) is stable for its lifetime.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: estimate,
    getItemKey: (i) => items[i]?.key ?? i,
    overscan: OVERSCAN_ITEMS,
    initialRect: { width: 0, height: FALLBACK_VIEWPORT },
    observeElementRect: observeViewport,
    // A row the DOM cannot measure (jsdom, display:none) keeps its estimate instead of collapsing.
    measureElement: (el, entry, instance) => {
      const measured = measureElementDefault(el, entry, instance);
      return measured > 0 ? measured : estimate(Number(el.getAttribute('data-index')));
    },
    ...(virtualized ? {} : { rangeExtractor: () => items.map((_, i) => i) }),
  });

  // Keep the selected row in view when the keyboard moves it.
  const selectedIndex = useMemo(
    () => (selectedId === null ? -1 : items.findIndex((it) => it.kind === 'row' && it.key === selectedId)),
    [items, selectedId],
  );
  useEffect(() => {
    const el = scroller.current;
    const at = virtualizer.measurementsCache;
    if (!el || selectedIndex < 0) return;
    let top = at[selectedIndex]?.start ?? 0;
    const bottom = at[selectedIndex]?.end ?? top;
    // Show the group header too when the first row of a group is selected.
    if (items[selectedIndex - 1]?.kind === 'group') top = at[selectedIndex - 1]?.start ?? top;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight && el.clientHeight > 0)
      el.scrollTop = bottom - el.clientHeight;
  }, [selectedIndex, items, virtualizer]);

  const onPick = actions.select;
  const onActivate = actions.open;
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const viewport = scroller.current?.clientHeight || FALLBACK_VIEWPORT;
      const page = Math.max(1, Math.floor(viewport / heights.row) - 1);
      const handled: Record<string, () => void> = {
        ArrowDown: () => actions.moveSelection(1),
        ArrowUp: () => actions.moveSelection(-1),
        PageDown: () => actions.moveSelection(page),
        PageUp: () => actions.moveSelection(-page),
        Home: () => actions.moveSelection('first'),
        End: () => actions.moveSelection('last'),
        // Into the selected row's actions (Open, Copy URL, Kill…); Escape there comes back.
        ArrowRight: () => document.querySelector<HTMLElement>(`#${ROW_KEYS_ID} [tabindex="0"]`)?.focus(),
      };
      const fn = handled[e.key];
      if (fn && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        fn();
      }
    },
    [actions, heights.row],
  );

  const virtualItems = virtualizer.getVirtualItems();
  const rendered = new Set(virtualItems.map((v) => v.index));
  const children = virtualItems.map((v) => {
    const it = items[v.index] as ListItem;
    if (it.kind === 'group') {
      // A proper group of options for assistive technology while the DOM stays flat (the rows are
      // virtualized siblings): the header owns the rendered rows that follow it.
      const owned: string[] = [];
      for (let i = v.index + 1; i < items.length; i++) {
        const next = items[i];
        if (next === undefined || next.kind === 'group') break;
        if (rendered.has(i))
          owned.push(next.kind === 'row' ? domIdFor(next.listener.id) : downRowId(next.pin.port));
      }
      return (
        <div
          key={it.key}
          role="group"
          aria-label={`${it.label}, ${it.count} ${it.count === 1 ? 'listener' : 'listeners'}`}
          aria-owns={owned.length > 0 ? owned.join(' ') : undefined}
          data-index={v.index}
          ref={virtualizer.measureElement}
          className={`group-header scope-${it.scope}`}
          style={{ transform: `translateY(${v.start}px)` }}
        >
          <span className="group-label" title={it.detail} aria-hidden="true">
            {it.label}
          </span>
          <span className="group-detail" aria-hidden="true">
            {it.detail}
          </span>
          <span className="group-count" aria-hidden="true">
            {it.count}
          </span>
        </div>
      );
    }
    if (it.kind === 'down') {
      return <DownRow key={it.key} pin={it.pin} index={v.index} top={v.start} />;
    }
    const id = it.listener.id;
    const pin = pinByPort.get(it.listener.port);
    const row = (
      <ListRow
        key={it.key}
        index={v.index}
        ref={virtualizer.measureElement}
        listener={it.listener}
        domId={domIdFor(id)}
        top={v.start}
        selected={id === selectedId}
        isNew={fresh.has(id)}
        gone={it.gone}
        watched={watchedSet.has(it.listener.port) || watchedProject(it.listener, projectSet)}
        pinned={pin !== undefined}
        pinLabel={pin?.label ?? null}
        viewer={viewer}
        now={now}
        onPick={onPick}
        onActivate={onActivate}
      />
    );
    // Hover actions sit next to the option, never inside it (an option's content is presentational).
    return it.gone
      ? row
      : [row, <RowActions key={`${it.key}#actions`} listener={it.listener} top={v.start} gone={it.gone} />];
  });

  // The selected row's actions for the keyboard, placed over the row from outside the listbox.
  const offset = virtualizer.scrollOffset ?? 0;
  const selectedItem = selectedIndex >= 0 ? items[selectedIndex] : undefined;
  const selectedAt = virtualItems.find((v) => v.index === selectedIndex);
  const keysTools =
    focusIn && selectedItem?.kind === 'row' && !selectedItem.gone && selectedAt !== undefined ? (
      <RowActions
        key={`${selectedItem.key}#keys`}
        listener={selectedItem.listener}
        top={selectedAt.start - offset}
        gone={false}
        mode="keys"
        onLeave={() => scroller.current?.focus()}
      />
    ) : null;
  // The keyboard strip sits outside the scroller, so it aligns past the scrollbar's width.
  useLayoutEffect(() => {
    const el = scroller.current;
    el?.parentElement?.style.setProperty('--list-gutter', `${el.offsetWidth - el.clientWidth}px`);
  });

  return (
    <div className="list-body" onFocus={onFocusIn} onBlur={onFocusOut}>
      <div
        ref={scroller}
        id="listener-list"
        className="list-scroller"
        role="listbox"
        aria-label="Listeners"
        tabIndex={0}
        aria-activedescendant={selectedId !== null && selectedIndex >= 0 ? domIdFor(selectedId) : undefined}
        onKeyDown={onKeyDown}
        data-virtualized={virtualized ? 'true' : 'false'}
        data-row-count={view.rowIds.length}
      >
        <div className="list-canvas" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {children}
        </div>
      </div>
      {keysTools}
    </div>
  );
}
