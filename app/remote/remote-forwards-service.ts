import { err, ok, type Result } from '../model/errors.js';
import type { ForwardView, RemoteOpenResult } from '../model/remote-host.js';
import type { Opener } from '../actions/open.js';
import type { HostAlias } from './alias.js';
import { patchForward, readForwards, type ForwardRecord } from './forward-registry.js';
import { closeForward, openForward } from './forwards.js';
import type { HostSession } from './host-session.js';
import type { RemoteHost } from './remote-host.js';
import { probeScheme } from './scheme-probe.js';

/** What the forward half of the hosts service needs from the host half. */
export interface ForwardsContext {
  readonly runtimeDir: string;
  /** The session of an opened (or pinned) host, if any. */
  sessionOf(alias: HostAlias): HostSession | undefined;
  /** A host handle for a record no session owns (a forward the CLI made). */
  hostFor(record: ForwardRecord): RemoteHost;
  readonly opener: Opener;
}

/** The local URL of a forward, when its probe learned a scheme. */
export function forwardUrl(r: ForwardRecord): string | null {
  return r.scheme ? `${r.scheme}://127.0.0.1:${r.localPort}/` : null;
}

/** A record as the faces list it, its status from the owning session's last poll. */
export function forwardView(r: ForwardRecord, session: HostSession | undefined): ForwardView {
  const state = session?.view().state;
  const status: ForwardView['status'] = r.gone
    ? 'remote listener gone'
    : session && (state !== 'ok' || session.view().forwardsBroken) && state !== 'connecting'
      ? 'host disconnected'
      : 'ok';
  return {
    id: r.id,
    alias: r.alias,
    localPort: r.localPort,
    remotePort: r.remotePort,
    mapping: `remote ${r.remotePort} → local ${r.localPort}`,
    binds: r.binds,
    url: forwardUrl(r),
    status,
    createdAt: r.createdAt,
  };
}

/**
 * "Open" on a remote row: a forward of that listener (same local port when free), the scheme
 * probed through it, then the local URL handed to the opener (or to the page, `launch: false`).
 * The listener must be in the host's last listing: the user opens what they saw, nothing else.
 */
export async function openRemoteListener(
  ctx: ForwardsContext,
  alias: HostAlias,
  port: number,
  launch: boolean,
): Promise<Result<RemoteOpenResult>> {
  const session = ctx.sessionOf(alias);
  const listeners = session?.view().snapshot?.listeners;
  if (!session || !listeners)
    return err('NOT_IN_SNAPSHOT', `Open the host ${alias} first: it has no listing yet.`);
  const l = listeners.find((x) => x.protocol === 'tcp' && x.port === port);
  if (!l) return err('NOT_IN_SNAPSHOT', `Nothing listens on TCP port ${port} on ${alias} (last scan).`);
  const existing = readForwards(ctx.runtimeDir).find(
    (r) => r.alias === alias && r.remotePort === port && !r.gone,
  );
  let record: ForwardRecord;
  if (existing) record = existing;
  else {
    const f = await openForward(session.host, ctx.runtimeDir, { port: l.port, address: l.address }, null);
    if (!f.ok) return err('OPEN_FAILED', f.failure.message);
    record = f.value.record;
  }
  const scheme = await probeScheme(record.localPort);
  patchForward(ctx.runtimeDir, record.id, { scheme });
  record = { ...record, scheme };
  const view = forwardView(record, session);
  if (view.url === null || !launch) return ok({ forward: view, url: view.url, launched: false });
  const opened = await ctx.opener(view.url);
  if (!opened.ok)
    return err('OPEN_FAILED', `The forward is open (${view.mapping}) but ${opened.error.message}`);
  return ok({ forward: view, url: view.url, launched: true });
}

/** Every recorded forward with its status. */
export function listForwardViews(ctx: ForwardsContext): ForwardView[] {
  return readForwards(ctx.runtimeDir).map((r) => forwardView(r, ctx.sessionOf(r.alias as HostAlias)));
}

/** Closes one forward by id, or all of them: `-O cancel` on its master, then the record goes. */
export async function closeForwardsById(
  ctx: ForwardsContext,
  id: number | 'all',
): Promise<Result<{ readonly closed: number }>> {
  const records = readForwards(ctx.runtimeDir).filter((r) => id === 'all' || r.id === id);
  if (records.length === 0 && id !== 'all') return err('NOT_IN_SNAPSHOT', `No forward ${id} is open.`);
  let closed = 0;
  for (const r of records) {
    const host = ctx.sessionOf(r.alias as HostAlias)?.host ?? ctx.hostFor(r);
    if (await closeForward(host, ctx.runtimeDir, r.id)) closed += 1;
  }
  return ok({ closed });
}
