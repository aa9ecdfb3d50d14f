import { useEffect } from 'react';
import type { HistoryEvent } from '../../app/model/diagnosis.js';
import type { Listener } from '../../app/model/listener.js';
import { addressLabel } from '../format/describe.js';
import { cleanText } from '../format/text.js';
import { formatAgo } from '../format/time.js';
import { useActions, useApp } from '../store/store-context.js';
import { DiagnosisView } from './DiagnosisView.js';

const VERBS = { open: 'opened', close: 'closed', owner: 'new owner' } as const;

function ownerText(e: HistoryEvent): string {
  const o = e.owner;
  if (o === null) return '';
  if (o.kind !== 'process') return `owner hidden (${cleanText(o.reason ?? 'unknown')})`;
  const project = o.project ? `, project ${cleanText(o.project)}` : '';
  return `${cleanText(o.name ?? '?')} (pid ${o.pid ?? '?'}${project})`;
}

/** Who held this port before, from the shared port history (issue 13), newest first. */
export function PortHistoryView({ port }: { readonly port: number }) {
  const actions = useActions();
  const state = useApp((s) => s.portHistory);
  const now = useApp((s) => s.now);
  useEffect(() => {
    actions.loadPortHistory(port);
  }, [actions, port]);
  let body;
  if (state.status === 'idle' || state.port !== port || state.status === 'loading') {
    body = <p className="muted">Reading the port history…</p>;
  } else if (state.status === 'failed') {
    body = <p className="muted">The port history could not be read: {cleanText(state.error.message)}</p>;
  } else if (state.history.events.length === 0) {
    body = <p className="muted">{cleanText(state.history.note ?? 'Nothing remembered on this port yet.')}</p>;
  } else {
    const h = state.history;
    body = (
      <>
        <ol className="history" aria-label={`Port ${port} history`}>
          {h.events.map((e, i) => (
            <li key={`${e.at}-${i}`} title={cleanText(e.owner?.command ?? '')}>
              <span className="muted">{new Date(e.at).toLocaleString()}</span> {VERBS[e.event]} {e.protocol}
              {e.family === 6 ? '6' : ''} {addressLabel(e.address)}:{e.port} {ownerText(e)}{' '}
              <span className="muted">({formatAgo(e.at, now)})</span>
            </li>
          ))}
        </ol>
        <p className="muted">
          {h.total > h.events.length ? `Newest ${h.events.length} of ${h.total}. ` : ''}
          {h.coversFrom !== null ? `History covers ${new Date(h.coversFrom).toLocaleString()} – now.` : ''}
        </p>
      </>
    );
  }
  return (
    <>
      <h3 className="details-sub">Port history</h3>
      {body}
    </>
  );
}

/** The target a client would use for this listener: its own address, or localhost for a wildcard. */
export function whyTargetForListener(l: Listener): string {
  const wildcard = l.address === '0.0.0.0' || l.address === '::' || l.address === '*';
  return `${wildcard ? 'localhost' : addressLabel(l.address)}:${l.port}`;
}

/** "Why can't I connect?" for a listed listener, with the answer in place. */
export function ListenerWhy({ listener }: { readonly listener: Listener }) {
  const actions = useActions();
  const why = useApp((s) => s.why);
  const target = whyTargetForListener(listener);
  return (
    <>
      <button
        type="button"
        className="btn"
        aria-label={`Why can't I connect to ${target}?`}
        onClick={() => actions.diagnose(target)}
      >
        Why?
      </button>
      {why.status !== 'idle' && why.target === target ? (
        why.status === 'loading' ? (
          <p className="muted" role="status">
            Diagnosing {target}…
          </p>
        ) : why.status === 'failed' ? (
          <p className="tone-bad" role="status">
            Could not diagnose {target}: {cleanText(why.error.message)}
          </p>
        ) : (
          <DiagnosisView diagnosis={why.diagnosis} />
        )
      ) : null}
    </>
  );
}
