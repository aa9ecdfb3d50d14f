import type { ForwardView } from '../../app/model/remote-host.js';
import { cleanText } from '../format/text.js';

/** The managed forwards: mapping, status, and close one or all. */
export function ForwardsList({
  forwards,
  onClose,
}: {
  readonly forwards: readonly ForwardView[];
  readonly onClose: (id: number | 'all') => void;
}) {
  if (forwards.length === 0) return null;
  return (
    <div className="forwards" role="region" aria-label="Forwards">
      <div className="forwards-head">
        <span>Forwards · {forwards.length}</span>
        <button type="button" className="btn" onClick={() => onClose('all')}>
          Close all forwards
        </button>
      </div>
      <ul>
        {forwards.map((f) => (
          <li key={f.id} data-forward-id={f.id} className={f.status === 'ok' ? '' : 'tone-bad'}>
            <span className="forward-text">
              {cleanText(f.alias)}: {f.mapping}
              {f.url ? ` · ${f.url}` : ''}
              {f.status === 'ok' ? '' : ` · ${f.status}`}
            </span>
            <button
              type="button"
              className="btn"
              aria-label={`Close forward ${cleanText(f.alias)} ${f.mapping}`}
              onClick={() => onClose(f.id)}
            >
              Close
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
