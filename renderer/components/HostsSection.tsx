import { useCallback, useEffect, useState } from 'react';
import type { ForwardView, RemoteHostList } from '../../app/model/remote-host.js';
import { cleanText } from '../format/text.js';
import { useHostsDeps } from '../store/hosts-context.js';
import { ForwardsList } from './ForwardsList.js';
import { HostPanel } from './HostPanel.js';

/**
 * The Hosts section (issue 15): the hosts of the user's ssh config, each collapsed and never
 * polled until opened, and the managed forwards. Renders nothing without its dependencies.
 */
export function HostsSection() {
  const deps = useHostsDeps();
  const [expanded, setExpanded] = useState(false);
  const [list, setList] = useState<RemoteHostList | null>(null);
  const [forwards, setForwards] = useState<readonly ForwardView[]>([]);
  const refreshForwards = useCallback(() => {
    if (deps) void deps.api.listForwards().then(setForwards);
  }, [deps]);

  useEffect(() => {
    if (!deps) return undefined;
    let live = true;
    void deps.api.listHosts().then((l) => live && setList(l));
    refreshForwards();
    const t = setInterval(refreshForwards, (deps.refreshMs ?? 1000) * 2);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [deps, refreshForwards]);

  if (!deps || list === null) return null;
  const close = (id: number | 'all') => void deps.api.closeForwards({ id }).then(refreshForwards);
  return (
    <section className="hosts" aria-label="Hosts">
      <button
        type="button"
        className="hosts-head"
        aria-expanded={expanded}
        onClick={() => setExpanded(!expanded)}
      >
        <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> Hosts · {list.hosts.length}
      </button>
      {expanded ? (
        <div className="hosts-body">
          {list.hosts.length === 0 ? (
            <p className="muted">No hosts in {cleanText(list.config)}.</p>
          ) : (
            list.hosts.map((h) => (
              <HostPanel key={h.alias} alias={h.alias} deps={deps} onForwardsChanged={refreshForwards} />
            ))
          )}
        </div>
      ) : null}
      <ForwardsList forwards={forwards} onClose={close} />
    </section>
  );
}
