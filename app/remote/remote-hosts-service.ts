import { homedir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../model/errors.js';
import type { RemoteHostList, RemoteHostView } from '../model/remote-host.js';
import { checkAlias, type HostAlias } from './alias.js';
import { createHostSession, type HostSession, type HostView } from './host-session.js';
import { createRemoteHost } from './remote-host.js';
import { ensureRuntimeDir } from './runtime-dir.js';
import { discoverHosts } from './ssh-config.js';
import { expandGlob, readTextOrNull } from './ssh-config-fs.js';

/** The service half of the Hosts section: config hosts, and one session per opened host. */
export interface RemoteHosts {
  listHosts(): Promise<RemoteHostList>;
  getHost(request: { readonly alias: string }): Promise<Result<RemoteHostView>>;
  /** App quit: stops every session, closes its forwards and its master. */
  dispose(): Promise<void>;
}

/** Options: the environment (HOME, HARBORMASTER_SSH_CONFIG, SSH_AUTH_SOCK) and the poll rate. */
export interface RemoteHostsOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The pinned-host rate (issue 15: 15 s). */
  readonly intervalMs?: number;
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
  };
}

/** Creates the hosts service; nothing is spawned until a host is opened. */
export function createRemoteHosts(o: RemoteHostsOptions): RemoteHosts {
  const sessions = new Map<HostAlias, HostSession>();
  const home = o.env.HOME ?? homedir();
  const override = o.env.HARBORMASTER_SSH_CONFIG ?? null;
  const configFile = override ?? join(home, '.ssh', 'config');
  return {
    async listHosts() {
      const found = discoverHosts(configFile, home, readTextOrNull, expandGlob);
      return {
        config: configFile,
        hosts: found.hosts.map((h) => ({ alias: h.alias })),
        refused: found.refused,
      };
    },
    async getHost(request) {
      const check = checkAlias(request.alias);
      if (!check.ok) return err('INVALID_REQUEST', `Refusing host alias: ${check.reason}`);
      let session = sessions.get(check.alias);
      if (!session) {
        const dir = ensureRuntimeDir(o.env, process.getuid?.() ?? 0);
        if (!dir.ok) return err('UNSUPPORTED', dir.message);
        const host = createRemoteHost({
          alias: check.alias,
          configFile: override,
          runtimeDir: dir.path,
          env: o.env,
        });
        session = createHostSession({
          host,
          runtimeDir: dir.path,
          ...(o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs }),
        });
        sessions.set(check.alias, session);
        session.start();
      }
      return ok(viewOf(session.view()));
    },
    async dispose() {
      await Promise.all([...sessions.values()].map((s) => s.dispose()));
      sessions.clear();
    },
  };
}
