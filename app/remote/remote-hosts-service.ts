import { createPlatformOpener, type Opener } from '../actions/open.js';
import { err, ok, type Result } from '../model/errors.js';
import type {
  ForwardView,
  RemoteHostList,
  RemoteHostView,
  RemoteOpenResult,
  TrustOutcome,
  TrustQuestion,
} from '../model/remote-host.js';
import type { RemoteKillReport } from '../model/remote-kill.js';
import type { RemoteKillRequest } from '../contract/api.js';
import { checkAlias, type HostAlias } from './alias.js';
import { readForwards } from './forward-registry.js';
import { createHostSession, type HostSession, type HostView } from './host-session.js';
import { startTrust, type TrustFlow, type TrustFlowOptions } from './host-trust.js';
import type { ListScriptOptions } from './list-script.js';
import { createRemoteHost } from './remote-host.js';
import {
  closeForwardsById,
  listForwardViews,
  openRemoteListener,
  type ForwardsContext,
} from './remote-forwards-service.js';
import { remoteKillReport, signalRemote } from './remote-kill.js';
import { ensureRuntimeDir, runtimeDirPath } from './runtime-dir.js';
import { discoverHosts } from './ssh-config.js';
import { expandGlob, readTextOrNull, sshUserConfig } from './ssh-config-fs.js';

/** The service half of the Hosts section: config hosts, and one session per opened host. */
export interface RemoteHosts {
  listHosts(): Promise<RemoteHostList>;
  getHost(request: { readonly alias: string; readonly peek?: boolean }): Promise<Result<RemoteHostView>>;
  /** The section was collapsed: polling stops unless the host is pinned; forwards stay. */
  collapseHost(request: { readonly alias: string }): Promise<Result<{ readonly polling: boolean }>>;
  openRemote(request: {
    readonly alias: string;
    readonly port: number;
    readonly launch?: boolean;
  }): Promise<Result<RemoteOpenResult>>;
  listForwards(): Promise<readonly ForwardView[]>;
  closeForwards(request: { readonly id: number | 'all' }): Promise<Result<{ readonly closed: number }>>;
  /** Kills a confirmed remote holder of an opened or pinned host (remote-kill.ts). */
  killRemote(request: RemoteKillRequest): Promise<Result<RemoteKillReport>>;
  /**
   * "Trust this host…": only for an opened host stopped on an unknown key whose fingerprint the
   * poll reported; answers ssh's host-key question once its fingerprint matched (host-trust.ts).
   */
  beginTrust(request: { readonly alias: string }): Promise<Result<TrustQuestion>>;
  /** The user's answer; after a recorded key the host is polled again at once. */
  answerTrust(request: { readonly id: string; readonly accept: boolean }): Promise<Result<TrustOutcome>>;
  /** Settings changed: pinned hosts start polling, unpinned collapsed ones stop. */
  applySettings(): void;
  /**
   * App quit: stops every session and closes its forwards and master, then closes every other
   * recorded forward (hosts not opened in this session, forwards the CLI made) and ends its master.
   */
  dispose(): Promise<void>;
}

/** Options: the environment (HOME, HARBORMASTER_SSH_CONFIG, SSH_AUTH_SOCK) and the poll rate. */
export interface RemoteHostsOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The pinned-host rate (issue 15: 15 s). */
  readonly intervalMs?: number;
  /** Test seam: overrides of the trust flow (deadline, helper). */
  readonly trust?: Partial<Pick<TrustFlowOptions, 'deadlineMs' | 'helperSource' | 'ssh'>>;
  /** Hands a forward's local URL to the browser (default: the platform opener). */
  readonly opener?: Opener;
  /**
   * False: dispose closes only the forwards of this service's sessions (a one-shot CLI command);
   * default true, the app quitting closes every recorded forward.
   */
  readonly closeAllOnDispose?: boolean;
  /** Tests only: options of the listing script (its lsof branch on a Linux fixture). */
  readonly listScript?: ListScriptOptions;
  /** The hosts the user added and pinned (settings); read on every call, so changes apply at once. */
  readonly settings?: () => { readonly hosts: readonly string[]; readonly pinnedHosts: readonly string[] };
}

function viewOf(v: HostView): RemoteHostView {
  return {
    alias: v.alias,
    state: v.state,
    failure: v.failure,
    listeners: v.snapshot?.listeners ?? null,
    durationMs: v.snapshot?.durationMs ?? null,
    forwardsBroken: v.forwardsBroken,
    nextRetryMs: v.nextRetryMs,
    viewerUid: v.snapshot?.viewerUid ?? null,
    ...(v.snapshot?.via ? { via: v.snapshot.via } : {}),
    ...(v.snapshot?.agentNote ? { agentNote: v.snapshot.agentNote } : {}),
  };
}

/** Whether any forward is recorded in the runtime directory (so quitting has forwards to close). */
export function hasRecordedForwards(env: NodeJS.ProcessEnv): boolean {
  // Read only: quitting never creates the folder (a missing record file is an empty list).
  return readForwards(runtimeDirPath(env, process.getuid?.() ?? 0)).length > 0;
}

/** Creates the hosts service; nothing is spawned until a host is opened. */
export function createRemoteHosts(o: RemoteHostsOptions): RemoteHosts {
  const sessions = new Map<HostAlias, HostSession>();
  /** Hosts whose window section is open (the window polls them while it shows them). */
  const opened = new Set<HostAlias>();
  const userHosts = () => o.settings?.() ?? { hosts: [], pinnedHosts: [] };
  /** Settings text passes the alias rule again here: a hand-edited file is untrusted too. */
  const valid = (names: readonly string[]) =>
    names.flatMap((n) => {
      const c = checkAlias(n);
      return c.ok ? [c.alias] : [];
    });
  const { file: configFile, override, home } = sshUserConfig(o.env);
  const runtimeDir = () => ensureRuntimeDir(o.env, process.getuid?.() ?? 0);
  const hostOf = (alias: HostAlias, dir: string, config: string | null) =>
    // Forwards live on this master until the app quits (dispose exits it): persist while we run.
    createRemoteHost({
      alias,
      configFile: config,
      runtimeDir: dir,
      env: o.env,
      persist: 'yes',
      keepShell: true,
      ...(o.listScript ? { listScript: o.listScript } : {}),
      agent: true,
    });
  const sessionFor = (alias: HostAlias): Result<HostSession> => {
    const existing = sessions.get(alias);
    if (existing) return ok(existing);
    const dir = runtimeDir();
    if (!dir.ok) return err('UNSUPPORTED', dir.message);
    const session = createHostSession({
      host: hostOf(alias, dir.path, override),
      runtimeDir: dir.path,
      isActive: () => opened.has(alias),
      ...(o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs }),
    });
    sessions.set(alias, session);
    return ok(session);
  };
  const forwardsCtx = (): Result<ForwardsContext> => {
    const dir = runtimeDir();
    if (!dir.ok) return err('UNSUPPORTED', dir.message);
    return ok({
      runtimeDir: dir.path,
      sessionOf: (alias) => sessions.get(alias),
      hostFor: (r) => hostOf(r.alias as HostAlias, dir.path, r.configFile),
      opener: o.opener ?? createPlatformOpener(o.env),
    });
  };
  /** Pending host-key questions by id, and the alias each one is for (one at a time per alias). */
  const trusts = new Map<string, { readonly alias: HostAlias; readonly flow: TrustFlow }>();
  const aliasOf = (text: string): Result<HostAlias> => {
    const check = checkAlias(text);
    return check.ok ? ok(check.alias) : err('INVALID_REQUEST', `Refusing host alias: ${check.reason}`);
  };
  return {
    async listHosts() {
      const found = discoverHosts(configFile, home, readTextOrNull, expandGlob);
      const pinned = new Set(valid(userHosts().pinnedHosts));
      const fromConfig = new Set(found.hosts.map((h) => h.alias));
      const added = valid(userHosts().hosts).filter((a) => !fromConfig.has(a));
      return {
        config: configFile,
        hosts: [
          ...found.hosts.map((h) => ({
            alias: h.alias,
            pinned: pinned.has(h.alias as HostAlias),
            ...(opened.has(h.alias as HostAlias) ? { opened: true } : {}),
          })),
          ...added.map((alias) => ({
            alias,
            added: true,
            pinned: pinned.has(alias),
            ...(opened.has(alias) ? { opened: true } : {}),
          })),
        ],
        refused: found.refused,
      };
    },
    async getHost(request) {
      const alias = aliasOf(request.alias);
      if (!alias.ok) return alias;
      if (request.peek) {
        const s = sessions.get(alias.value);
        return s ? ok(viewOf(s.view())) : err('NOT_IN_SNAPSHOT', `${alias.value} is not opened or pinned.`);
      }
      const session = sessionFor(alias.value);
      if (!session.ok) return session;
      opened.add(alias.value);
      session.value.start();
      return ok(viewOf(session.value.view()));
    },
    async collapseHost(request) {
      const alias = aliasOf(request.alias);
      if (!alias.ok) return alias;
      opened.delete(alias.value);
      const session = sessions.get(alias.value);
      if (!valid(userHosts().pinnedHosts).includes(alias.value)) session?.stop();
      return ok({ polling: session?.polling ?? false });
    },
    async openRemote(request) {
      const alias = aliasOf(request.alias);
      if (!alias.ok) return alias;
      const ctx = forwardsCtx();
      if (!ctx.ok) return ctx;
      return openRemoteListener(ctx.value, alias.value, request.port, request.launch !== false);
    },
    async listForwards() {
      const ctx = forwardsCtx();
      return ctx.ok ? listForwardViews(ctx.value) : [];
    },
    async closeForwards(request) {
      const ctx = forwardsCtx();
      if (!ctx.ok) return ctx;
      return closeForwardsById(ctx.value, request.id);
    },
    async killRemote(request) {
      const alias = aliasOf(request.alias);
      if (!alias.ok) return alias;
      const session = sessions.get(alias.value);
      if (!session?.view().snapshot)
        return err('NOT_IN_SNAPSHOT', `Open the host ${alias.value} first: it has no listing yet.`);
      // No local look-up decides anything here: the remote re-checks the whole confirmed identity
      // right before the signal — the agent's kill pipeline when the host has a running agent
      // (same socket + uid as listed, then pid + start time + still holds), else the kill script
      // in the same invocation as the signal. Either is the only check that cannot race. A host
      // listed with lsof (no /proc) is re-checked by the script with ps and lsof (kill-script.ts).
      const { port, pid, startTicks, uid, inode } = request;
      const lsof = session.view().snapshot?.listeners.some((l) => l.listedBy === 'lsof') === true;
      const target = { port, pid, startTicks, uid, inode, ...(lsof ? { listedBy: 'lsof' as const } : {}) };
      const { via, done } = await signalRemote(session.host, target);
      session.pollSoon();
      if (!done.ok) return err('SCAN_FAILED', done.failure.message);
      return ok({ ...remoteKillReport(alias.value, port, pid, done.value), via });
    },
    async beginTrust(request) {
      const alias = aliasOf(request.alias);
      if (!alias.ok) return alias;
      const view = sessions.get(alias.value)?.view();
      const verify = { command: `ssh ${alias.value}` };
      if (view?.state === 'host-key-changed')
        return err(
          'TRUST_REFUSED',
          `The host key of ${alias.value} has CHANGED: Harbormaster never offers to trust a changed key. Verify it with the host's owner and run "ssh ${alias.value}" yourself.`,
          verify,
        );
      if (view?.state !== 'host-key-unknown')
        return err(
          'INVALID_REQUEST',
          `${alias.value} is not stopped on an unknown host key; there is nothing to trust.`,
        );
      if (view.failure?.fingerprint === undefined)
        return err(
          'TRUST_REFUSED',
          `ssh reported no fingerprint for ${alias.value}: verify it with "ssh ${alias.value}".`,
          verify,
        );
      if ([...trusts.values()].some((t) => t.alias === alias.value))
        return err('INVALID_REQUEST', `A host-key question for ${alias.value} is already open.`);
      const dir = runtimeDir();
      if (!dir.ok) return err('UNSUPPORTED', dir.message);
      const flow = startTrust({
        alias: alias.value,
        configFile: override,
        runtimeDir: dir.path,
        env: o.env,
        reportedFingerprint: view.failure.fingerprint,
        ...o.trust,
      });
      const question = await flow.question;
      if (!question.ok) {
        flow.cancel();
        return question;
      }
      const id = question.value.id;
      trusts.set(id, { alias: alias.value, flow });
      // Unanswered: the channel refuses at its deadline; forget the question shortly after.
      setTimeout(
        () => {
          if (trusts.get(id)?.flow === flow) {
            trusts.delete(id);
            flow.cancel();
          }
        },
        question.value.expiresAt - Date.now() + 5_000,
      ).unref();
      return question;
    },
    async answerTrust(request) {
      const pending = trusts.get(request.id);
      if (!pending) return err('INVALID_REQUEST', 'That host-key question is no longer open.');
      trusts.delete(request.id);
      const outcome = await pending.flow.answer(request.accept);
      if (outcome.ok && outcome.value.recorded) sessions.get(pending.alias)?.retry();
      return outcome;
    },
    applySettings() {
      const pinned = new Set(valid(userHosts().pinnedHosts));
      for (const alias of pinned) {
        const s = sessionFor(alias);
        if (s.ok) s.value.start();
      }
      for (const [alias, s] of sessions) if (!pinned.has(alias) && !opened.has(alias)) s.stop();
    },
    async dispose() {
      for (const t of trusts.values()) t.flow.cancel();
      trusts.clear();
      await Promise.all([...sessions.values()].map((s) => s.dispose()));
      sessions.clear();
      // Forwards no session owned close too (a host not opened in this session, a forward the
      // CLI made, one left by a crashed run): each master they lived on is ended afterwards.
      const ctx = forwardsCtx();
      if (!ctx.ok || o.closeAllOnDispose === false) return;
      const left = readForwards(ctx.value.runtimeDir);
      if (left.length === 0) return;
      const masters = new Map(left.map((r) => [`${r.configFile ?? ''}\0${r.alias}`, ctx.value.hostFor(r)]));
      await closeForwardsById(ctx.value, 'all');
      await Promise.all([...masters.values()].map((h) => h.disconnect()));
    },
  };
}
