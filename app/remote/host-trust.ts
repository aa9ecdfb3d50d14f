import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cleanText } from '../model/clean-text.js';
import { err, ok, type Result } from '../model/errors.js';
import type { TrustOutcome, TrustQuestion } from '../model/remote-host.js';
import type { HostAlias } from './alias.js';
import { classifySshFailure } from './host-state.js';
import { fingerprintProbeArgv, trustArgv } from './ssh-argv.js';
import { runSsh } from './ssh-run.js';
import {
  openTrustChannel,
  type ChannelRequest,
  type RefusalReason,
  type TrustChannel,
} from './trust-channel.js';

/** What one "Trust this host…" needs: the host, the fingerprint the failed poll reported, and where to work. */
export interface TrustFlowOptions {
  readonly alias: HostAlias;
  readonly configFile: string | null;
  /** The 0700 runtime directory. */
  readonly runtimeDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** The fingerprint of the background poll's refusal (`ssh-ed25519 SHA256:…` or `SHA256:…`). */
  readonly reportedFingerprint: string;
  readonly ssh?: string;
  /** The shipped helper (default: found next to the package). */
  readonly helperSource?: string;
  /** The channel's deadline: after it every request is refused (default 60 s). */
  readonly deadlineMs?: number;
  /** How long to wait for ssh's question (default 25 s, inside the faces' 30 s call timeout). */
  readonly questionTimeoutMs?: number;
  /** How long ssh may take after the answer (login, `true`) before it is stopped (default 20 s). */
  readonly finishTimeoutMs?: number;
}

/** One running trust: ssh's question (or why there is none), then the user's answer. */
export interface TrustFlow {
  /** Resolves once ssh asked the host-key question and its fingerprint matched, or with the refusal. */
  readonly question: Promise<Result<TrustQuestion>>;
  /** Gives the user's answer, waits for ssh to finish and says what happened. */
  answer(accept: boolean): Promise<Result<TrustOutcome>>;
  /** Stops ssh (group) and closes the channel. */
  cancel(): void;
}

const SHA256 = /SHA256:[A-Za-z0-9+/]+={0,2}/g;

/** The `SHA256:…` fingerprints in a text, distinct, in order. */
export function fingerprintsIn(text: string): string[] {
  return [...new Set(text.match(SHA256) ?? [])];
}

/**
 * True for OpenSSH's unknown-host question (sshconnect.c): "The authenticity of host … can't be
 * established … Are you sure you want to continue connecting (yes/no/[fingerprint])?". A changed
 * key never asks (ssh refuses it outright), and any other prompt (password, passphrase) is not this.
 */
export function isHostKeyQuestion(prompt: string): boolean {
  return (
    /The authenticity of host '[^']*' can't be established/.test(prompt) &&
    /Are you sure you want to continue connecting \(yes\/no/.test(prompt)
  );
}

/**
 * Whether ssh now knows the host's key: one non-interactive verbose attempt (BatchMode,
 * StrictHostKeyChecking=yes). Not ssh's "Permanently added" line: a server's banner could print
 * that text, but no banner arrives before the host key is verified, so this answer is ssh's own.
 */
async function keyIsKnown(o: TrustFlowOptions): Promise<boolean> {
  const r = await runSsh(fingerprintProbeArgv(o), { ssh: o.ssh ?? 'ssh', env: o.env, timeoutMs: 10_000 });
  if (/Host key verification failed|No \S+ host key is known|HOST IDENTIFICATION HAS CHANGED/i.test(r.stderr))
    return false;
  return /is known and matches the \S+ host key/.test(r.stderr);
}

/** A flow that never started ssh: its question is the refusal. */
function refusedFlow(refusal: Result<TrustQuestion>): TrustFlow {
  return {
    question: Promise.resolve(refusal),
    answer: async () => err('TRUST_REFUSED', 'No host-key question is pending.'),
    cancel: () => undefined,
  };
}

/** Prompt text as it may be shown: cleaned like any remote text, line breaks kept. */
function shown(prompt: string): string {
  return cleanText(prompt, { newlines: true, collapse: true, max: 2000 });
}

/**
 * Starts the one foreground ssh of "Trust this host…": not in BatchMode, StrictHostKeyChecking=ask,
 * SSH_ASKPASS_REQUIRE=force with the shipped helper, in its own session (no terminal it could read).
 * Only the user's answer is ever sent back as `yes`; every other prompt is refused and reported.
 */
export function startTrust(o: TrustFlowOptions): TrustFlow {
  const expected = fingerprintsIn(o.reportedFingerprint)[0] ?? null;
  const refusedPrompts: string[] = [];
  let settleQuestion!: (r: Result<TrustQuestion>) => void;
  const question = new Promise<Result<TrustQuestion>>((resolve) => (settleQuestion = resolve));
  let asked: ChannelRequest | null = null;
  let questionSettled = false;
  const decide = (r: Result<TrustQuestion>) => {
    if (questionSettled) return;
    questionSettled = true;
    settleQuestion(r);
  };
  const verify = { command: `ssh ${o.alias}` };
  if (process.platform === 'win32')
    return refusedFlow(
      err(
        'UNSUPPORTED',
        `Trusting a host key from the app is not available on Windows: run "ssh ${o.alias}".`,
        verify,
      ),
    );
  if (expected === null)
    return refusedFlow(
      err(
        'TRUST_REFUSED',
        `No fingerprint was reported for ${o.alias}: verify it with "ssh ${o.alias}".`,
        verify,
      ),
    );
  let stderr = '';
  let exitCode: number | null | undefined;
  let onExit: (() => void) | null = null;
  let channel: TrustChannel;
  const refuse = (why: string) =>
    err<TrustQuestion>(
      'TRUST_REFUSED',
      `${why} Nothing was trusted; you can verify the key with "ssh ${o.alias}".`,
      verify,
    );
  const onRequest = (request: ChannelRequest) => {
    const prompt = shown(request.prompt);
    if (!isHostKeyQuestion(request.prompt)) {
      request.reply(null);
      refusedPrompts.push(prompt);
      decide(
        refuse(
          `ssh asked "${prompt}" instead of the host-key question; Harbormaster never collects secrets and answered no.`,
        ),
      );
      return;
    }
    const seen = fingerprintsIn(request.prompt);
    if (seen.length !== 1 || seen[0] !== expected) {
      request.reply('no');
      decide(
        refuse(
          `ssh now shows ${seen.join(', ') || 'no fingerprint'}, not the ${expected} the failed connection reported: answered no.`,
        ),
      );
      return;
    }
    asked = request;
    decide(
      ok({
        id: randomBytes(9).toString('base64url'),
        alias: o.alias,
        host: cleanText(/The authenticity of host '([^']*)'/.exec(request.prompt)?.[1], { max: 300 }),
        fingerprint: seen[0],
        reportedFingerprint: expected,
        prompt,
        expiresAt: Date.now() + (o.deadlineMs ?? 60_000) - 1000,
      }),
    );
  };
  const onRefused = (reason: RefusalReason, prompt: string | null) => {
    if (prompt !== null) refusedPrompts.push(shown(prompt));
    const why: Record<RefusalReason, string> = {
      token: 'A request without the one-time token reached the trust channel and was refused.',
      second: 'ssh asked a second question; it was refused.',
      late: 'The 60 s to answer ran out; ssh was answered no.',
      malformed: 'A malformed request reached the trust channel and was refused.',
    };
    decide(refuse(why[reason]));
  };
  try {
    channel = openTrustChannel({
      runtimeDir: o.runtimeDir,
      ...(o.helperSource === undefined ? {} : { helperSource: o.helperSource }),
      ...(o.deadlineMs === undefined ? {} : { deadlineMs: o.deadlineMs }),
      onRequest,
      onRefused,
    });
  } catch (e) {
    return refusedFlow(err('UNSUPPORTED', `Cannot open the trust channel: ${(e as Error).message}`));
  }
  const env: NodeJS.ProcessEnv = {
    ...o.env,
    ...channel.env,
    SSH_ASKPASS: channel.helper,
    SSH_ASKPASS_REQUIRE: 'force',
  };
  // OpenSSH before 8.4 has no SSH_ASKPASS_REQUIRE and uses askpass only with a DISPLAY set.
  if (process.platform !== 'darwin' && !env.DISPLAY) env.DISPLAY = ':0';
  // Its own session (detached): ssh has no terminal to read an answer from, only the helper.
  const child = spawn(o.ssh ?? 'ssh', trustArgv({ alias: o.alias, configFile: o.configFile }), {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const stop = () => {
    if (exitCode !== undefined || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL'); // ssh and a helper it may be waiting for
    } catch {
      // already gone
    }
  };
  child.stderr?.on('data', (b: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += b.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => (onExit = resolve));
  const finish = (code: number | null) => {
    if (exitCode !== undefined) return;
    exitCode = code;
    clearTimeout(questionTimer);
    channel.close();
    onExit?.();
    if (code === 0) decide(refuse(`ssh connected without asking: the key of ${o.alias} is already trusted.`));
    else {
      const failure = classifySshFailure(o.alias, stderr);
      decide(
        err(
          'TRUST_REFUSED',
          failure.message,
          failure.command === undefined ? {} : { command: failure.command },
        ),
      );
    }
  };
  child.on('error', (e) => {
    decide(err('UNSUPPORTED', `Cannot run ssh (${e.message}). Is OpenSSH installed?`));
    finish(null);
  });
  child.on('close', (code) => finish(code));
  const questionTimer = setTimeout(() => {
    decide(
      err(
        'TIMEOUT',
        `ssh did not ask about the host key of ${o.alias} within ${(o.questionTimeoutMs ?? 25_000) / 1000} s.`,
      ),
    );
    stop();
  }, o.questionTimeoutMs ?? 25_000);
  questionTimer.unref();

  return {
    question,
    async answer(accept) {
      const request = asked;
      if (request === null) return err('TRUST_REFUSED', 'No host-key question is pending.');
      if (exitCode !== undefined)
        return err(
          'TRUST_REFUSED',
          `ssh is no longer waiting (the ${(o.deadlineMs ?? 60_000) / 1000} s to answer ran out): nothing was trusted.`,
        );
      asked = null;
      request.reply(accept ? 'yes' : 'no');
      const limit = setTimeout(stop, o.finishTimeoutMs ?? 20_000);
      await exited;
      clearTimeout(limit);
      const recorded = accept && (await keyIsKnown(o));
      const login =
        exitCode === 0
          ? ' ssh then logged in.'
          : ` ssh could not log in without a prompt: run "ssh ${o.alias}" once.`;
      const message = !accept
        ? `The host key of ${o.alias} was not trusted; known_hosts is unchanged.`
        : recorded
          ? `The host key of ${o.alias} (${expected}) was added to your known_hosts.${login}`
          : `ssh did not record the host key of ${o.alias}: ${cleanText(stderr.trim().split('\n').at(-1) ?? '', { max: 300 })}`;
      return ok({
        alias: o.alias,
        answer: accept ? 'yes' : 'no',
        recorded,
        message,
        refusedPrompts: [...refusedPrompts],
      });
    },
    cancel() {
      asked?.reply('no');
      asked = null;
      stop();
    },
  };
}
