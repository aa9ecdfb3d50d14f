import type { MouseEvent } from 'react';
import type { Listener } from '../../app/model/listener.js';
import { safePageUrl } from '../api/browser-page.js';
import { killAbility } from '../store/kill-ability.js';
import { useActions, useApp } from '../store/store-context.js';

/** A plain left click (no modifier): the one the page handles; the rest belong to the browser. */
function plainClick(e: MouseEvent): boolean {
  return e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey;
}

/**
 * Hover actions of one row (issue 16 item 11, as in VS Code's Ports view): Open, Copy URL, Kill.
 * The URL is a real link to the URL the core built for this listener, so middle-click and "Copy
 * link address" work; a plain click still goes through the core's checks (`open`). The strip sits
 * next to the ARIA option, not inside it, and is hidden from assistive technology and the tab order:
 * the same actions are in the keyboard-reachable toolbar for the selected row (Enter, Ctrl+K).
 */
export function RowActions({
  listener: l,
  top,
  gone,
}: {
  readonly listener: Listener;
  readonly top: number;
  readonly gone: boolean;
}) {
  const actions = useActions();
  const viewer = useApp((s) => s.snapshot?.viewer ?? null);
  const source = useApp((s) => s.snapshot?.source ?? 'procfs');
  if (gone) return null;
  const url = safePageUrl(l.url);
  const ability = killAbility(l, { viewer, source, gone });
  const id = l.id;
  return (
    <div
      className="row-actions"
      aria-hidden="true"
      data-listener-id={id}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={(e) => e.stopPropagation()}
    >
      {url !== null ? (
        <>
          <a
            className="btn row-act"
            href={url}
            target="_blank"
            rel="noopener noreferrer"
            tabIndex={-1}
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
            tabIndex={-1}
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
        tabIndex={-1}
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
