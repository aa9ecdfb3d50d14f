import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Result } from '../../app/model/errors.js';
import type { RemoteHostView, TrustQuestion } from '../../app/model/remote-host.js';
import { remoteAsListener, remoteViewer } from '../format/remote-row.js';
import { cleanText } from '../format/text.js';
import type { HostsDeps } from '../store/hosts-context.js';
import { useApp } from '../store/store-context.js';
import { ListRow } from './ListRow.js';
import { RemoteKillDialog, type RemoteKillFlow } from './RemoteKillDialog.js';
import { TrustHostDialog } from './TrustHostDialog.js';

/** One line saying where a host stands; a failure is never shown as "no ports". */
function stateLine(v: RemoteHostView | null): string {
  if (v === null || v.state === 'connecting') return 'Connecting…';
  if (v.state === 'ok') {
    const n = v.listeners?.length ?? 0;
    const ms = v.durationMs === null ? '' : ` · scan ${Math.round(v.durationMs)} ms`;
    // Which path listed it: a remote `harbormaster agent` (health, full kill pipeline) or the sh script.
    const via = v.via === undefined ? '' : ` · via ${v.via === 'agent' ? 'agent' : 'script'}`;
    return `Connected · ${n} listening${via}${ms}`;
  }
  if (v.state === 'disconnected') {
    const retry = v.nextRetryMs === null ? '' : `, retrying in ${Math.ceil(v.nextRetryMs / 1000)} s`;
    return `Disconnected${retry}${v.forwardsBroken ? ' · its forwards are broken until it reconnects' : ''}`;
  }
  const labels: Record<string, string> = {
    unreachable: 'Unreachable',
    'auth-failed': 'Login failed',
    'host-key-unknown': 'Host key unknown',
    'host-key-changed': 'HOST KEY CHANGED',
    'unsupported-os': 'Unsupported remote system',
    'refused-alias': 'Alias refused',
    failed: 'Failed',
  };
  const retry = v.nextRetryMs === null ? '' : ` · retrying in ${Math.ceil(v.nextRetryMs / 1000)} s`;
  return `${labels[v.state] ?? v.state}${retry}`;
}

/** The failure's sentence, fingerprint and the exact command to verify the host by hand. */
function FailureDetail({ view }: { readonly view: RemoteHostView }) {
  const f = view.failure;
  if (f === null || view.state === 'ok') return null;
  const loud = view.state === 'host-key-changed' || view.state === 'host-key-unknown';
  return (
    <div className={`host-failure${loud ? ' tone-bad' : ''}`} role={loud ? 'alert' : 'status'}>
      <p>{cleanText(f.message)}</p>
      {f.fingerprint ? (
        <p>
          Fingerprint: <code className="fingerprint">{cleanText(f.fingerprint)}</code>
        </p>
      ) : null}
      {f.command ? (
        <p>
          Verify it yourself: <code className="host-command">{cleanText(f.command)}</code>
        </p>
      ) : null}
    </div>
  );
}

/**
 * One host's section: collapsed (never polled) until the user opens it; opened, it shows the
 * host's state and its listeners in the same rows as local ones, and "Open" makes a forward.
 */
export function HostPanel({
  alias,
  deps,
  onForwardsChanged,
  pinned = false,
  onPin,
  onRemove,
}: {
  readonly alias: string;
  readonly deps: HostsDeps;
  readonly onForwardsChanged: () => void;
  /** Pinned hosts poll (15 s) while collapsed and show in the tray. */
  readonly pinned?: boolean;
  readonly onPin?: (pin: boolean) => void;
  /** Only for hosts added in settings (config hosts are edited in ~/.ssh/config). */
  readonly onRemove?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [view, setView] = useState<RemoteHostView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [kill, setKill] = useState<RemoteKillFlow | null>(null);
  const [trust, setTrust] = useState<Promise<Result<TrustQuestion>> | null>(null);
  const refreshMs = deps.refreshMs ?? 1000;
  const now = useApp((s) => s.now);

  useEffect(() => {
    if (!open) return undefined;
    let live = true;
    const read = () =>
      void deps.api.getHost({ alias }).then((r) => {
        if (!live) return;
        if (r.ok) setView(r.value);
        else setError(r.error.message);
      });
    read();
    const t = setInterval(read, refreshMs);
    return () => {
      live = false;
      clearInterval(t);
      void deps.api.collapseHost({ alias });
    };
  }, [open, alias, deps, refreshMs]);

  const rows = useMemo(
    () => (view?.listeners ?? []).map((l) => remoteAsListener(alias, l)),
    [view?.listeners, alias],
  );
  const viewer = useMemo(() => remoteViewer(view), [view]);
  const chosen = rows.find((r) => r.id === selected) ?? null;
  const openPort = useCallback(
    (port: number) => {
      setNote(`Forwarding remote ${port}…`);
      void deps.api.openRemote({ alias, port, ...(deps.page ? { launch: false } : {}) }).then((r) => {
        onForwardsChanged();
        if (!r.ok) return setNote(`Not opened: ${r.error.message}`);
        const f = r.value.forward;
        if (r.value.url === null)
          return setNote(`Forward ${f.mapping} is open; it did not answer HTTP(S), so nothing was opened.`);
        if (deps.page) deps.page.openUrl(r.value.url);
        setNote(`Opened ${r.value.url} (${f.mapping}).`);
      });
    },
    [alias, deps, onForwardsChanged],
  );
  const onActivate = useCallback(
    (id: string) => {
      const row = rows.find((r) => r.id === id);
      if (row && row.protocol === 'tcp') openPort(row.port);
    },
    [rows, openPort],
  );
  const killable = (l: typeof chosen) =>
    l !== null && l.owner.kind === 'process' && l.owner.uid !== null && view?.state === 'ok';
  const askKill = () => {
    if (chosen === null || chosen.owner.kind !== 'process') return;
    const { pid, startToken } = chosen.owner;
    // Every row this same process holds is freed with it (the confirmation lists them all).
    const held = rows.filter(
      (r) => r.owner.kind === 'process' && r.owner.pid === pid && r.owner.startToken === startToken,
    );
    setKill({ phase: 'confirm', listener: chosen, held });
  };
  const confirmKill = () => {
    if (kill?.phase !== 'confirm' || kill.listener.owner.kind !== 'process') return;
    const { listener, held } = kill;
    const o = kill.listener.owner;
    setKill({ phase: 'running', listener, held });
    // Exactly the identity the user confirmed; the core re-checks it on the remote.
    const request = {
      alias,
      port: listener.port,
      pid: o.pid,
      startTicks: o.startToken,
      uid: o.uid ?? -1,
      inode: listener.socketId ?? '',
    };
    void deps.api.killRemote(request).then((result) => {
      setKill((k) =>
        k?.phase === 'running' && k.listener.id === listener.id ? { ...k, phase: 'result', result } : k,
      );
      setNote(result.ok ? result.value.message : `Not killed: ${result.error.message}`);
    });
  };
  const safeAlias = cleanText(alias);
  return (
    <div className="host" data-host={safeAlias}>
      <button
        type="button"
        className="host-head"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
          if (open) setView(null);
        }}
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {safeAlias}
        {open ? <span className="muted host-state"> · {stateLine(view)}</span> : null}
      </button>
      <span className="host-tools">
        {onPin ? (
          <button
            type="button"
            className="btn"
            aria-pressed={pinned}
            aria-label={`Pin host ${safeAlias}`}
            title="Pinned hosts are polled every 15 s and listed in the tray even when collapsed."
            onClick={() => onPin(!pinned)}
          >
            {pinned ? 'Pinned' : 'Pin'}
          </button>
        ) : null}
        {onRemove ? (
          <button type="button" className="btn" aria-label={`Remove host ${safeAlias}`} onClick={onRemove}>
            Remove
          </button>
        ) : null}
      </span>
      {open ? (
        <div className="host-body">
          {error ? <p className="tone-bad">{cleanText(error)}</p> : null}
          {view ? <FailureDetail view={view} /> : null}
          {view?.state === 'ok' && view.via === 'script' && view.agentNote ? (
            <p className="muted host-via-note">
              Listed by the sh script, without health checks: {cleanText(view.agentNote)}.
            </p>
          ) : null}
          {view?.state === 'host-key-unknown' && view.failure?.fingerprint ? (
            // Never for a changed key: that one keeps the manual route (docs/SECURITY.md).
            <button type="button" className="btn" onClick={() => setTrust(deps.api.beginTrust({ alias }))}>
              Trust this host…
            </button>
          ) : null}
          {trust ? (
            <TrustHostDialog
              alias={alias}
              question={trust}
              api={deps.api}
              onClose={(recorded) => {
                setTrust(null);
                if (recorded) setNote(`The host key of ${alias} was trusted; reconnecting…`);
              }}
            />
          ) : null}
          {view?.state === 'ok' && rows.length === 0 ? <p className="muted">Nothing is listening.</p> : null}
          {rows.length > 0 ? (
            <div role="listbox" aria-label={`Listeners on ${safeAlias}`} className="host-rows" tabIndex={0}>
              {rows.map((l, i) => (
                <ListRow
                  key={l.id}
                  listener={l}
                  domId={`host-${i}-${l.port}`}
                  index={i}
                  top={0}
                  selected={l.id === selected}
                  isNew={false}
                  gone={view?.state !== 'ok'}
                  watched={false}
                  // The remote login that read the listing: root there is never told to get admin.
                  viewer={viewer}
                  now={now}
                  onPick={setSelected}
                  onActivate={onActivate}
                />
              ))}
            </div>
          ) : null}
          {chosen ? (
            <div
              role="toolbar"
              aria-label={`Actions for remote port ${chosen.port}`}
              className="host-actions"
            >
              <button
                type="button"
                className="btn"
                disabled={chosen.protocol !== 'tcp' || view?.state !== 'ok'}
                onClick={() => openPort(chosen.port)}
              >
                Open
              </button>
              <button type="button" className="btn" disabled={!killable(chosen)} onClick={askKill}>
                Kill…
              </button>
            </div>
          ) : null}
          {note ? (
            <p className="host-note" role="status">
              {cleanText(note)}
            </p>
          ) : null}
          <RemoteKillDialog
            alias={alias}
            viewer={viewer}
            flow={kill}
            onConfirm={confirmKill}
            onClose={() => setKill(null)}
          />
        </div>
      ) : null}
    </div>
  );
}
