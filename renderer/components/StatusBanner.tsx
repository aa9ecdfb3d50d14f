import { useMemo } from 'react';
import { viewerIsRoot } from '../../app/model/unknown-owner-words.js';
import { ownerBanner } from '../format/owner-banner.js';
import { cleanText } from '../format/text.js';
import { viewOf } from '../store/connect-api.js';
import { formatAgo } from '../format/time.js';
import { isPaused } from '../store/app-store.js';
import { useApp } from '../store/store-context.js';

/**
 * Says plainly when the list is less than the truth: connection lost, scan failed (stale list),
 * paused by the user, owners hidden (needs admin), fallback backends. Never leaves an empty list unexplained.
 */
export function StatusBanner() {
  const connection = useApp((s) => s.connection);
  const transportProblem = useApp((s) => s.transportProblem);
  const snapshot = useApp((s) => s.snapshot);
  const viewer = useApp((s) => s.viewer);
  const phase = useApp((s) => s.phase);
  const now = useApp((s) => s.now);
  const paused = useApp(isPaused);
  const view = useApp(viewOf);
  // Worded from the rows shown, by their real reason (never blaming permissions for filtered rows).
  const owners = useMemo(
    () =>
      ownerBanner(
        view.items.flatMap((i) => (i.kind === 'row' && !i.gone ? [i.listener] : [])),
        viewer,
      ),
    [view.items, viewer],
  );
  const root = viewerIsRoot(viewer);
  const banners: { key: string; tone: 'bad' | 'warn' | 'info'; text: string; alert: boolean }[] = [];
  if (transportProblem) banners.push({ key: 'transport', tone: 'bad', text: transportProblem, alert: true });
  else if (connection === 'closed') {
    banners.push({
      key: 'conn',
      tone: 'bad',
      text:
        phase === 'ready'
          ? 'Connection lost — reconnecting… The list below may be out of date.'
          : 'Connection lost — reconnecting…',
      alert: true,
    });
  } else if (connection === 'connecting' && phase === 'ready') {
    banners.push({ key: 'conn', tone: 'warn', text: 'Reconnecting…', alert: false });
  }
  if (paused) {
    banners.push({
      key: 'paused',
      tone: 'warn',
      text: snapshot
        ? `Scanning is paused: the list was taken ${formatAgo(snapshot.takenAt, Math.max(now, snapshot.takenAt))} and is not live.`
        : 'Scanning is paused.',
      alert: false,
    });
  }
  if (snapshot) {
    if (snapshot.status === 'failed' || snapshot.stale) {
      const why = snapshot.error ? cleanText(snapshot.error.message) : 'the last scan did not finish';
      banners.push({
        key: 'stale',
        tone: 'bad',
        text: `Scan failed: ${why}. Showing the last good list from ${formatAgo(snapshot.takenAt, Math.max(now, snapshot.takenAt))}; it may be out of date.`,
        alert: true,
      });
    }
    for (const note of snapshot.notes) {
      // The core's count covers every socket; the banner below counts the rows shown instead.
      if (note.code === 'OWNERS_HIDDEN') continue;
      const limited = note.code === 'PERMISSION_LIMITED' && !root;
      banners.push({
        key: `note-${note.code}`,
        tone: limited ? 'warn' : 'info',
        text: limited ? `Needs admin: ${cleanText(note.message)}` : cleanText(note.message),
        alert: false,
      });
    }
    if (owners !== null) banners.push({ key: 'owners', tone: owners.tone, text: owners.text, alert: false });
  }
  if (banners.length === 0) return null;
  return (
    <div className="banners">
      {banners.map((b) => (
        <div key={b.key} className={`banner tone-${b.tone}`} role={b.alert ? 'alert' : 'status'}>
          {b.text}
        </div>
      ))}
    </div>
  );
}
