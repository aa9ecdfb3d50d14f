import type { Pin } from '../../app/model/settings.js';
import { cleanText } from '../format/text.js';

/** The DOM id of a down row (one per pinned port). */
export function downRowId(port: number): string {
  return `down-${port}`;
}

/**
 * A pinned port that nothing listens on: its own component, so the "watched port went down" row
 * (issue 16 item 5) can share it. Not an option of the listbox: there is nothing to select or
 * act on, so it is a disabled option the screen reader reads in place.
 */
export function DownRow({
  pin,
  index,
  top,
}: {
  readonly pin: Pin;
  readonly index: number;
  readonly top: number;
}) {
  const label = pin.label === null ? null : cleanText(pin.label);
  return (
    <div
      role="option"
      id={downRowId(pin.port)}
      aria-disabled="true"
      aria-selected="false"
      className="row is-down"
      data-index={index}
      data-port={pin.port}
      data-down="true"
      style={{ transform: `translateY(${top}px)` }}
    >
      <span className="sr-only">{`Port ${pin.port}${label ? `, ${label}` : ''}, pinned, down: nothing listens`}</span>
      <span className="cell-port" aria-hidden="true">
        <span className="port">{pin.port}</span>
      </span>
      <span className="line line1" aria-hidden="true">
        <span className="who">
          <span className="cell-name">
            <span className="name">{label ?? `Port ${pin.port}`}</span>
            <span className="proc">pinned</span>
          </span>
        </span>
        <span className="cell-health">
          <span className="badge tone-muted health">down</span>
        </span>
      </span>
      <span className="line line2" aria-hidden="true">
        <span className="meta">nothing listens on this port</span>
      </span>
    </div>
  );
}
