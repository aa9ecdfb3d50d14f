import type { Diagnosis } from '../../app/model/diagnosis.js';
import { cleanText } from '../format/text.js';
import { useActions } from '../store/store-context.js';

const RESULT_WORDS = {
  refused: 'refused',
  'timed-out': 'timed out',
  'accepted-silent': 'accepted, then silent',
  answered: 'answered',
  error: 'error',
} as const;

/**
 * "Why can't I connect?" as the window shows it (issue 13): the verdict first, then each finding
 * with what was measured, what it means and the fix (copyable). Every string is untrusted (it
 * quotes process names, titles, banners) and passes through cleanText.
 */
export function DiagnosisView({ diagnosis }: { readonly diagnosis: Diagnosis }) {
  const actions = useActions();
  const d = diagnosis;
  return (
    <section className="diagnosis" aria-label="Why can't I connect?" data-reachable={d.reachable}>
      <p className={`verdict ${d.reachable ? 'tone-ok' : 'tone-bad'}`} role="status">
        {cleanText(d.verdict)}
      </p>
      {d.attempts.length > 0 ? (
        <p className="muted attempts">
          Tried{' '}
          {d.attempts.map((a, i) => (
            <span key={`${a.address}-${i}`}>
              {i > 0 ? ', ' : ''}
              {a.family === 6 ? `[${cleanText(a.address)}]` : cleanText(a.address)}:{d.target.port}{' '}
              {RESULT_WORDS[a.result]}
            </span>
          ))}
          .
        </p>
      ) : null}
      <ol className="findings" aria-label="Findings">
        {d.findings.map((f, i) => (
          <li key={`${f.id}-${i}`} className="finding" data-finding={f.id}>
            <strong className="finding-title">{cleanText(f.title)}</strong>
            {f.evidence.length > 0 ? (
              <div className="finding-part">
                <span className="muted">Measured: </span>
                {f.evidence.map((e, j) => (
                  <div key={j} className="mono">
                    {cleanText(e)}
                  </div>
                ))}
              </div>
            ) : null}
            <div className="finding-part">
              <span className="muted">Meaning: </span>
              {cleanText(f.meaning)}
            </div>
            {f.fix.map((fix, j) => (
              <div key={j} className="finding-part">
                <span className="muted">Fix: </span>
                <code>{cleanText(fix)}</code>{' '}
                <button
                  type="button"
                  className="link"
                  aria-label={`Copy fix: ${cleanText(fix)}`}
                  onClick={() => actions.copyText(cleanText(fix), 'the fix')}
                >
                  Copy
                </button>
              </div>
            ))}
          </li>
        ))}
      </ol>
      <p className="muted">
        {d.historyNote !== null
          ? cleanText(d.historyNote)
          : d.historyFrom === null
            ? 'No port history yet.'
            : `Port history covers ${new Date(d.historyFrom).toLocaleString()} – now.`}{' '}
        Answered in {d.elapsedMs} ms.
      </p>
    </section>
  );
}
