import { useCallback, useEffect, useState } from 'react';
import type { ForwardView, RemoteHostList } from '../../app/model/remote-host.js';
import { checkAlias } from '../../app/model/host-alias.js';
import { cleanText } from '../format/text.js';
import { useHostsDeps } from '../store/hosts-context.js';
import { useActions } from '../store/store-context.js';
import { ForwardsList } from './ForwardsList.js';
import { HostPanel } from './HostPanel.js';

/**
 * The Hosts section (issue 15): the hosts of the user's ssh config, each collapsed and never
 * polled until opened, and the managed forwards. Renders nothing without its dependencies.
 */
export function HostsSection() {
  const deps = useHostsDeps();
  const { saveHosts } = useActions();
  const [expanded, setExpanded] = useState(false);
  const [list, setList] = useState<RemoteHostList | null>(null);
  const [forwards, setForwards] = useState<readonly ForwardView[]>([]);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
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
  const save = (hosts: readonly string[], pinnedHosts: readonly string[]) =>
    void saveHosts(hosts, pinnedHosts).then((refusal) => {
      if (refusal !== null) setProblem(refusal);
      void deps.api.listHosts().then(setList);
    });
  const added = list.hosts.filter((h) => h.added).map((h) => h.alias);
  const pinned = list.hosts.filter((h) => h.pinned).map((h) => h.alias);
  const addHost = () => {
    const text = draft.trim();
    // The same strict rule the core applies: a hostile name is refused here and there, never spawned.
    const check = checkAlias(text);
    if (!check.ok) return setProblem(check.reason);
    if (list.hosts.some((h) => h.alias === text)) return setProblem(`${text} is already listed.`);
    setProblem(null);
    setDraft('');
    save([...added, text], pinned);
  };
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
              <HostPanel
                key={h.alias}
                alias={h.alias}
                deps={deps}
                onForwardsChanged={refreshForwards}
                pinned={h.pinned === true}
                onPin={(pin) => save(added, pin ? [...pinned, h.alias] : pinned.filter((a) => a !== h.alias))}
                {...(h.added
                  ? {
                      onRemove: () =>
                        save(
                          added.filter((a) => a !== h.alias),
                          pinned.filter((a) => a !== h.alias),
                        ),
                    }
                  : {})}
              />
            ))
          )}
          <form
            className="host-add"
            onSubmit={(e) => {
              e.preventDefault();
              addHost();
            }}
          >
            <input
              type="text"
              aria-label="Add a host (ssh alias or user@host)"
              placeholder="user@host or alias"
              value={draft}
              maxLength={300}
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" className="btn">
              Add host
            </button>
          </form>
          {problem ? (
            <p className="tone-bad" role="alert">
              {cleanText(problem)}
            </p>
          ) : null}
        </div>
      ) : null}
      <ForwardsList forwards={forwards} onClose={close} />
    </section>
  );
}
