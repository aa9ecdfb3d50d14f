import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { viewOf } from '../store/connect-api.js';
import type { ListItem } from '../store/derive.js';
import { useActions, useApp } from '../store/store-context.js';
import { ListRow } from './ListRow.js';

/** Layout density: compact for the tray popover, roomy for a full window. */
export type Density = 'compact' | 'roomy';

/** Fixed heights per item kind and density (the virtualizer's whole model of layout). */
export const ITEM_HEIGHTS: Record<Density, { group: number; row: number }> = {
  compact: { group: 26, row: 48 },
  roomy: { group: 30, row: 36 },
};

// When the viewport cannot be measured (jsdom, first paint), assume a window this tall.
const FALLBACK_VIEWPORT = 640;
const OVERSCAN_PX = 240;

/** A DOM id for a listener id (ids contain `:`/`%`/`[`, which are awkward in IDREFs). */
export function domIdFor(listenerId: string): string {
  return `opt-${listenerId.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

/** Offsets of each item and the total height. */
export function layoutItems(
  items: readonly ListItem[],
  density: Density,
): { offsets: Float64Array; total: number } {
  const h = ITEM_HEIGHTS[density];
  const offsets = new Float64Array(items.length + 1);
  let y = 0;
  for (let i = 0; i < items.length; i++) {
    offsets[i] = y;
    y += items[i]?.kind === 'group' ? h.group : h.row;
  }
  offsets[items.length] = y;
  return { offsets, total: y };
}

/** The first item whose bottom edge is below `y` (binary search over offsets). */
export function firstVisible(offsets: Float64Array, count: number, y: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((offsets[mid + 1] ?? 0) <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The listener list: an ARIA listbox, virtualized with fixed heights per item kind, so only the
 * rows in view (plus a margin) exist in the DOM. `virtualized={false}` renders every row; it is the
 * baseline `npm run bench:ui` compares against.
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
  const actions = useActions();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);

  const { offsets, total } = useMemo(() => layoutItems(view.items, density), [view.items, density]);
  const heights = ITEM_HEIGHTS[density];
  const watchedSet = useMemo(() => new Set(watched), [watched]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    const measure = (): void => {
      if (el.clientHeight > 0) setViewport(el.clientHeight);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the selected row in view when the keyboard moves it.
  const selectedIndex = useMemo(
    () =>
      selectedId === null ? -1 : view.items.findIndex((it) => it.kind === 'row' && it.key === selectedId),
    [view.items, selectedId],
  );
  useEffect(() => {
    const el = scroller.current;
    if (!el || selectedIndex < 0) return;
    let top = offsets[selectedIndex] ?? 0;
    const bottom = offsets[selectedIndex + 1] ?? top;
    // Show the group header too when the first row of a group is selected.
    const prev = view.items[selectedIndex - 1];
    if (prev?.kind === 'group') top = offsets[selectedIndex - 1] ?? top;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight && el.clientHeight > 0)
      el.scrollTop = bottom - el.clientHeight;
  }, [selectedIndex, offsets, view.items]);

  const onPick = actions.select;
  const onActivate = actions.open;
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const page = Math.max(1, Math.floor(viewport / heights.row) - 1);
      const handled: Record<string, () => void> = {
        ArrowDown: () => actions.moveSelection(1),
        ArrowUp: () => actions.moveSelection(-1),
        PageDown: () => actions.moveSelection(page),
        PageUp: () => actions.moveSelection(-page),
        Home: () => actions.moveSelection('first'),
        End: () => actions.moveSelection('last'),
      };
      const fn = handled[e.key];
      if (fn && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        fn();
      }
    },
    [actions, viewport, heights.row],
  );

  let start = 0;
  let end = view.items.length;
  if (virtualized) {
    start = firstVisible(offsets, view.items.length, Math.max(0, scrollTop - OVERSCAN_PX));
    end = Math.min(
      view.items.length,
      firstVisible(offsets, view.items.length, scrollTop + viewport + OVERSCAN_PX) + 1,
    );
  }
  const children = [];
  for (let i = start; i < end; i++) {
    const it = view.items[i];
    if (!it) continue;
    const top = offsets[i] ?? 0;
    if (it.kind === 'group') {
      children.push(
        <div
          key={it.key}
          role="presentation"
          className={`group-header scope-${it.scope}`}
          style={{ transform: `translateY(${top}px)` }}
        >
          <span className="group-label" title={it.detail}>
            {it.label}
          </span>
          <span className="group-detail">{it.detail}</span>
          <span className="group-count">{it.count}</span>
        </div>,
      );
    } else {
      const id = it.listener.id;
      children.push(
        <ListRow
          key={it.key}
          listener={it.listener}
          domId={domIdFor(id)}
          top={top}
          selected={id === selectedId}
          isNew={fresh.has(id)}
          gone={it.gone}
          watched={watchedSet.has(it.listener.port)}
          now={now}
          onPick={onPick}
          onActivate={onActivate}
        />,
      );
    }
  }

  return (
    <div
      ref={scroller}
      id="listener-list"
      className="list-scroller"
      role="listbox"
      aria-label="Listeners"
      tabIndex={0}
      aria-activedescendant={selectedId !== null && selectedIndex >= 0 ? domIdFor(selectedId) : undefined}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      data-virtualized={virtualized ? 'true' : 'false'}
      data-row-count={view.rowIds.length}
    >
      <div className="list-canvas" style={{ height: `${total}px` }}>
        {children}
      </div>
    </div>
  );
}
