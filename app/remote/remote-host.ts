import { monotonicMs } from '../watch/clock.js';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { HostVia } from '../model/remote-host.js';
import type { RemoteKillOutcome } from '../model/remote-kill.js';
import { startAgentClient, type AgentClient } from './agent-client.js';
import {
  agentKillOutcome,
  agentKillRequest,
  readAgentSnapshot,
  type AgentListener,
} from './agent-snapshot.js';
import type { HostAlias } from './alias.js';
import type { RemoteKillTarget } from './kill-script.js';
import { classifySshFailure, fingerprintIn, type HostFailure } from './host-state.js';
import { listScript, type ListScriptOptions } from './list-script.js';
import { parseRemoteDump, type RemoteListener } from './parse-dump.js';
import {
  controlArgv,
  fingerprintProbeArgv,
  forwardControlArgv,
  masterArgv,
  remoteCommandArgv,
  type ForwardSpec,
  type SshTarget,
} from './ssh-argv.js';
import { createRemoteShell } from './remote-shell.js';
import { runSsh, sshEnv, type SshRun } from './ssh-run.js';

/** How to reach one host through the system ssh. */
export interface RemoteHostOptions {
  readonly alias: HostAlias;
  /** `-F` file, or null for ssh's default (~/.ssh/config). */
  readonly configFile: string | null;
  /** The 0700 runtime directory (runtime-dir.ts). */
  readonly runtimeDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly ssh?: string;
  /** ControlPersist of a master this host starts (seconds, or `yes` while forwards live on it). */
  readonly persist?: 'yes' | number;
  readonly timeoutMs?: number;
  /**
   * Poll through one kept remote `sh` (remote-shell.ts) instead of one ssh session per snapshot:
   * the remote login shell and its rc files run once, not on every poll. For the app's sessions;
   * a one-shot CLI command keeps the plain session.
   */
  readonly keepShell?: boolean;
  /** Tests only: options of the listing script (its lsof branch on a Linux fixture). */
  readonly listScript?: ListScriptOptions;
  /**
   * Use a remote `harbormaster agent --stdio` of our major version when there is one (issue 15):
   * one long-lived session over the master, restarted on failure, the script otherwise.
   */
  readonly agent?: boolean;
}

/** Success or the host's failure state. */
export type HostResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: HostFailure };

/** One remote snapshot. */
export interface RemoteSnapshot {
  readonly listeners: readonly RemoteListener[];
  readonly viewerUid: number | null;
  readonly skipped: number;
  readonly durationMs: number;
  /** The path this snapshot came through (absent: the script, for hosts without the agent option). */
  readonly via?: HostVia;
  /** Why the agent was not used for it, when the host tried one. */
  readonly agentNote?: string;
}

/** A host's ssh connection: one ControlMaster, polls and `-O` requests over it. */
export interface RemoteHost {
  readonly alias: HostAlias;
  readonly target: SshTarget;
  /** Whether the master answers `-O check`. */
  isConnected(): Promise<boolean>;
  /** Starts the master unless one is running. */
  connect(): Promise<HostResult<void>>;
  /** Runs fixed command words remotely with `input` on stdin, over the master. */
  run(command: readonly string[], input?: string): Promise<SshRun>;
  snapshot(): Promise<HostResult<RemoteSnapshot>>;
  forward(op: 'forward' | 'cancel', spec: ForwardSpec): Promise<SshRun>;
  /** Ends the master (`-O exit`). */
  disconnect(): Promise<void>;
  /**
   * Kills a confirmed target through the remote agent's kill pipeline, or null when this host has
   * no running agent (the caller then uses the kill script).
   */
  agentKill?(target: RemoteKillTarget): Promise<HostResult<RemoteKillOutcome> | null>;
  /**
   * Ends the remote agent while nobody polls (a collapsed host): it scans and probes on the remote
   * for as long as it runs. The next poll starts a new one.
   */
  releaseAgent?(): void;
}

/** How long a host without a usable agent waits before asking again (a user may install one). */
const AGENT_RETRY_MS = 10 * 60_000;
/** The agent's answer deadline for a snapshot and for a kill (whose grace period runs remotely). */
const AGENT_SNAPSHOT_MS = 15_000;
const AGENT_KILL_MS = 60_000;

/**
 * One control socket per alias and config file, not ssh's `%C` (a hash of the resolved host, port
 * and user): two aliases of one address may differ in HostKeyAlias, user or ProxyJump, and
 * sharing a master would let the second skip its own host-key check. Short: sun_path is 108 bytes.
 */
export function controlPathFor(runtimeDir: string, alias: string, configFile: string | null): string {
  const hash = createHash('sha256')
    .update(`${configFile ?? ''}\0${alias}`)
    .digest('hex')
    .slice(0, 20);
  return join(runtimeDir, `cm-${hash}`);
}

/**
 * Whether a live master answers on the control socket, without starting a process: connect to
 * the unix socket and wait for the master's mux hello (PROTOCOL.mux: uint32 length, uint32
 * MUX_MSG_HELLO = 1, …), which only a master whose event loop runs sends. A killed master's
 * leftover socket refuses, a missing one does not exist: both false. This is the check of every
 * poll; `ssh -O check` would cost one ssh start (≈ 5–10 ms of CPU) each time (issue 15's idle
 * budget). Unix only, like ControlMaster itself.
 */
export function masterAnswers(controlPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ path: controlPath });
    let got = Buffer.alloc(0);
    const done = (alive: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('data', (b: Buffer) => {
      got = Buffer.concat([got, b]);
      if (got.length >= 8) done(got.readUInt32BE(4) === 1);
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

/** Creates the host handle; nothing is spawned until a method is called. */
export function createRemoteHost(o: RemoteHostOptions): RemoteHost {
  const ssh = o.ssh ?? 'ssh';
  const timeoutMs = o.timeoutMs ?? 20_000;
  const target: SshTarget = {
    alias: o.alias,
    configFile: o.configFile,
    controlPath: controlPathFor(o.runtimeDir, o.alias, o.configFile),
  };
  const logFile = join(o.runtimeDir, `${o.alias}.log`);
  const shell = o.keepShell
    ? createRemoteShell({ command: ssh, argv: remoteCommandArgv(target, ['sh']), env: sshEnv(o.env) })
    : null;
  // The agent path: one client at a time; after a refusal (absent, other version) the script is
  // used until AGENT_RETRY_MS passed or the master reconnected; a client that died mid-way is
  // restarted on the next poll.
  let agent: AgentClient | null = null;
  let agentStarting: Promise<AgentClient | null> | null = null;
  let agentNote: string | undefined;
  let agentRetryAt = 0;
  let agentListeners: readonly AgentListener[] = [];
  const ensureAgent = (): Promise<AgentClient | null> => {
    if (!o.agent) return Promise.resolve(null);
    if (agent?.alive) return Promise.resolve(agent);
    agent = null;
    if (Date.now() < agentRetryAt) return Promise.resolve(null);
    agentStarting ??= startAgentClient({
      command: ssh,
      argv: remoteCommandArgv(target, ['harbormaster', 'agent', '--stdio']),
      env: sshEnv(o.env),
    }).then((r) => {
      agentStarting = null;
      if (r.ok) {
        agent = r.client;
        agentNote = undefined;
        return agent;
      }
      agentNote = r.reason;
      agentRetryAt = Date.now() + (r.kind === 'failed' ? 30_000 : AGENT_RETRY_MS);
      return null;
    });
    return agentStarting;
  };
  const agentSnapshot = async (a: AgentClient, started: number): Promise<RemoteSnapshot | null> => {
    const r = await a.call('getSnapshot', undefined, AGENT_SNAPSHOT_MS);
    const read = r.ok ? readAgentSnapshot(r.result) : null;
    if (!read?.ok) {
      // Broken stream or a snapshot we cannot read: this poll uses the script, the next restarts it.
      agentNote = r.ok ? (read && !read.ok ? read.message : undefined) : r.message;
      a.close();
      return null;
    }
    agentListeners = read.listeners;
    return {
      // The agent's id stays on this side (agentListeners): the view gets plain remote listeners.
      listeners: read.listeners.map(({ agentId: _id, ...l }) => l),
      viewerUid: read.viewerUid,
      skipped: read.skipped,
      durationMs: monotonicMs() - started,
      via: 'agent',
    };
  };
  const call = (argv: string[], extra: { input?: string; settleOnExit?: boolean; timeoutMs?: number } = {}) =>
    runSsh(argv, { ssh, env: o.env, timeoutMs: extra.timeoutMs ?? timeoutMs, ...extra });

  const failureOf = async (r: SshRun, text: string): Promise<HostFailure> => {
    if (r.spawnError !== undefined)
      return { state: 'failed', message: `Cannot run ssh (${r.spawnError}). Is OpenSSH installed?` };
    if (r.timedOut)
      return { state: 'unreachable', message: `${o.alias} did not answer within ${timeoutMs / 1000} s.` };
    let failure = classifySshFailure(o.alias, text);
    if (
      (failure.state === 'host-key-unknown' || failure.state === 'host-key-changed') &&
      failure.fingerprint === undefined
    ) {
      // ssh names the fingerprint only in its debug log when the key is unknown: one more
      // non-interactive attempt, verbose, that still refuses the key.
      const probe = await call(fingerprintProbeArgv(target), { timeoutMs: 10_000 });
      const fp = fingerprintIn(probe.stderr);
      if (fp) failure = classifySshFailure(o.alias, text, fp);
    }
    return failure;
  };

  const host: RemoteHost = {
    alias: o.alias,
    target,
    isConnected() {
      return masterAnswers(target.controlPath, 5_000);
    },
    async connect() {
      if (await host.isConnected()) return { ok: true, value: undefined };
      // A master that was killed (SIGKILL, OOM) leaves its socket behind; ssh would then refuse
      // to become the master ("ControlSocket … already exists, disabling multiplexing") and every
      // forward restore would fail. No master answered on it just now, so it is stale: remove it.
      rmSync(target.controlPath, { force: true });
      // A new master may reach a changed remote: ask for the agent again.
      agent?.close();
      agentRetryAt = 0;
      rmSync(logFile, { force: true });
      const r = await call(masterArgv(target, o.persist ?? 120, logFile), { settleOnExit: true });
      if (r.code === 0) return { ok: true, value: undefined };
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8');
      } catch {
        // no log: ssh failed before opening it; stderr says why
      }
      return { ok: false, failure: await failureOf(r, `${r.stderr}\n${log}`) };
    },
    run(command, input) {
      return call(remoteCommandArgv(target, command), input === undefined ? {} : { input });
    },
    async snapshot() {
      const started = monotonicMs();
      const a = await ensureAgent();
      const viaAgent = a ? await agentSnapshot(a, started) : null;
      if (viaAgent) return { ok: true, value: viaAgent };
      const nonce = randomBytes(12).toString('hex');
      const script = listScript(nonce, o.listScript);
      const r = shell ? await shell.run(script, timeoutMs) : await host.run(['sh', '-s'], script);
      if (r.code !== 0) return { ok: false, failure: await failureOf(r, r.stderr) };
      const dump = parseRemoteDump(r.stdout, nonce);
      if (!dump.ok)
        return {
          ok: false,
          failure: { state: dump.unsupported ? 'unsupported-os' : 'failed', message: dump.message },
        };
      return {
        ok: true,
        value: {
          listeners: dump.listeners,
          viewerUid: dump.viewerUid,
          skipped: dump.skipped,
          durationMs: monotonicMs() - started,
          ...(o.agent ? { via: 'script' as const, ...(agentNote ? { agentNote } : {}) } : {}),
        },
      };
    },
    releaseAgent() {
      agent?.close();
      agent = null;
    },
    async agentKill(t) {
      const a = agent?.alive ? agent : null;
      if (!a) return null;
      const req = agentKillRequest(agentListeners, t);
      if ('outcome' in req) return { ok: true, value: req.outcome };
      const r = await a.call('kill', req.request, AGENT_KILL_MS);
      // Sent or not, the kill may have run: never repeat it through the script.
      if (!r.ok)
        return {
          ok: false,
          failure: {
            state: 'failed',
            message: `The remote agent stopped answering during the kill (${r.message}); refresh to see the port.`,
          },
        };
      return { ok: true, value: agentKillOutcome(r.result, t.pid) };
    },
    forward(op, spec) {
      return call(forwardControlArgv(target, op, spec), { timeoutMs: 10_000 });
    },
    async disconnect() {
      shell?.close();
      agent?.close();
      await call(controlArgv(target, 'exit'), { timeoutMs: 5_000 });
    },
  };
  return host;
}
