import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { Listener } from '../../app/model/listener.js';
import { safePageUrl } from '../api/browser-page.js';
import { killAbility } from '../store/kill-ability.js';
import { useActions, useApp } from '../store/store-context.js';

/** A plain left click (no modifier): the one the page handles; the rest belong to the browser. */
function plainClick(e: MouseEvent): boolean {
  return e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey;
}

/** The DOM id of the selected row's keyboard actions (the list's → key moves focus there). */
export const ROW_KEYS_ID = 'row-keys';

/**
 * Actions of one row (issue 16 item 11, as in VS Code's Ports view): Open, Copy URL, Kill. The URL
 * is a real link to the URL the core built for this listener, so middle-click and "Copy link
 * address" work; a plain click still goes through the core's checks (`open`).
 *
 * Two faces of one strip:
 * - `hover` (every row): sits next to the ARIA option, not inside it, shown while the row is
 *   hovered; hidden from assistive technology and the tab order.
 * - `keys` (the selected row only): rendered outside the listbox (a listbox may own only options
 *   and groups) over the same spot, shown while focus is in the list. It is a real toolbar: Tab or
 *   → from the list enters it, ←/→/Home/End move within it (one tab stop, roving), Escape goes back.
 */
export function RowActions({
  listener: l,
  top,
  gone,
  mode = 'hover',
  onLeave,
}: {
  readonly listener: Listener;
  readonly top: number;
  readonly gone: boolean;
  readonly mode?: 'hover' | 'keys';
  /** Keys mode: give focus back to the list (Escape). */
  readonly onLeave?: () => void;
}) {
  const actions = useActions();
  const viewer = useApp((s) => s.viewer);
  const source = useApp((s) => s.snapshot?.source ?? 'procfs');
  const [current, setCurrent] = useState(0);
  if (gone) return null;
  const url = safePageUrl(l.url);
  const ability = killAbility(l, { viewer, source, gone });
  const id = l.id;
  const keys = mode === 'keys';
  const count = (url !== null ? 2 : 0) + 1;
  // A disabled Kill… cannot hold the tab stop (it could not take focus): Open keeps it then.
  const last = count - 1;
  const active = Math.min(current, last) === last && ability.kind === 'none' ? 0 : Math.min(current, last);
  // Keys mode keeps one tab stop (the last one used); hover mode none.
  const tabIndexOf = (i: number) => (keys && i === active ? 0 : -1);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!keys || e.altKey || e.ctrlKey || e.metaKey) return;
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>('.row-act:not(:disabled)')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const go: Record<string, number> = {
      ArrowRight: Math.min(at + 1, items.length - 1),
      ArrowLeft: Math.max(at - 1, 0),
      Home: 0,
      End: items.length - 1,
    };
    if (e.key === 'Escape') {
      e.preventDefault();
      onLeave?.();
      return;
    }
    const next = go[e.key];
    if (next === undefined || at < 0) return;
    e.preventDefault();
    items[next]?.focus();
  };

  return (
    <div
      className={keys ? 'row-actions row-keys' : 'row-actions'}
      {...(keys
        ? { role: 'toolbar', id: ROW_KEYS_ID, 'aria-label': `Row actions, port ${l.port}` }
        : { 'aria-hidden': true })}
      data-listener-id={id}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={(e) => e.stopPropagation()}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        const i = Number((e.target as HTMLElement).dataset['act']);
        if (Number.isInteger(i)) setCurrent(i);
      }}
    >
      {url !== null ? (
        <>
          <a
            className="btn row-act"
            href={url}
            target="_blank"
            rel="noopener noreferrer"
            data-act={0}
            tabIndex={tabIndexOf(0)}
            title={`Open ${url}`}
            onClick={(e) => {
              if (!plainClick(e)) return;
              e.preventDefault();
              actions.select(id);
              actions.open(id);
            }}
          >
            Open ↗
          </a>
          <button
            type="button"
            className="btn row-act"
            data-act={1}
            tabIndex={tabIndexOf(1)}
            title={`Copy ${url}`}
            onClick={() => {
              actions.select(id);
              actions.copy(id, 'url');
            }}
          >
            Copy URL
          </button>
        </>
      ) : null}
      <button
        type="button"
        className="btn danger row-act"
        data-act={count - 1}
        tabIndex={tabIndexOf(count - 1)}
        disabled={ability.kind === 'none'}
        title={ability.kind === 'kill' ? 'Kill… (Ctrl+K or Delete)' : ability.reason}
        onClick={() => {
          actions.select(id);
          actions.requestKill(id);
        }}
      >
        Kill…
      </button>
    </div>
  );
}
