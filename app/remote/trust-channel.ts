import { execFileSync } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The helper's path inside the package (shipped: electron-builder `files`, and the npm package). */
const HELPER = join('assets', 'askpass', 'harbormaster-askpass.sh');

/** Longest request accepted (ssh prompts are a few hundred bytes; a host list can add some). */
const MAX_REQUEST = 16 * 1024;

/**
 * Finds the shipped SSH_ASKPASS helper by walking up from this module: the same file from the
 * sources (app/remote), the tsc build (dist/app/remote), the CLI bundle (dist/cli) and inside the
 * packaged app.asar. Null when it is missing (a broken install): trust is then refused.
 */
export function findAskpassHelper(from: string = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from, i = 0; i < 8; i += 1) {
    if (existsSync(join(dir, HELPER))) return join(dir, HELPER);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * access(X_OK): false for a file on a noexec mount too (Linux faccessat checks path_noexec), and
 * for a path inside app.asar, which exists only to Electron's fs.
 */
function runnable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return !path.split(sep).some((part) => part.endsWith('.asar'));
  } catch {
    return false;
  }
}

/** Why a request was refused. */
export type RefusalReason = 'token' | 'second' | 'late' | 'malformed';

/** One request that carried the token: ssh's prompt, and the one answer it may get. */
export interface ChannelRequest {
  /** ssh's prompt as the helper received it (raw: the caller cleans it before showing it). */
  readonly prompt: string;
  /** Answers once: `yes`/`no` is printed by the helper; null refuses (the helper prints nothing). */
  reply(answer: 'yes' | 'no' | null): void;
}

/** Options of one channel. */
export interface TrustChannelOptions {
  /** The 0700 runtime directory (runtime-dir.ts); the channel's own folder is made inside it. */
  readonly runtimeDir: string;
  /** The shipped helper to copy (default: {@link findAskpassHelper}). */
  readonly helperSource?: string;
  /** After this long every request is refused and a pending one is answered "no" (default 60 s). */
  readonly deadlineMs?: number;
  /** The first request with the right token. */
  readonly onRequest: (request: ChannelRequest) => void;
  /** A refused request: its prompt when it carried the token, else null (never trusted text). */
  readonly onRefused: (reason: RefusalReason, prompt: string | null) => void;
}

/** A private, one-shot channel between the app and the SSH_ASKPASS helper of one ssh run. */
export interface TrustChannel {
  /**
   * The helper to give ssh as SSH_ASKPASS: the private copy, or the shipped file itself when the
   * runtime folder is mounted noexec (a hardened /tmp) and the shipped file can run.
   */
  readonly helper: string;
  /** What the helper needs in its environment (the channel folder and the one-time token). */
  readonly env: { readonly HARBORMASTER_ASKPASS_DIR: string; readonly HARBORMASTER_ASKPASS_TOKEN: string };
  /** Closes both FIFOs (a helper still waiting reads end-of-file and exits 1) and removes the folder. */
  close(): void;
}

/**
 * Opens the channel: a folder with a random name inside the 0700 runtime directory holding a
 * request FIFO, an answer FIFO (both 0600) and a 0700 copy of the shipped helper, plus a random
 * 256-bit token for the helper's environment. FIFOs, not a socket, so the helper needs nothing
 * but POSIX sh: a packaged Electron app cannot run a Node script (the RunAsNode fuse is off,
 * electron-builder.yml). Only the first request with the token is handed on; a request without
 * it, a second one, or one after the deadline is refused.
 */
export function openTrustChannel(o: TrustChannelOptions): TrustChannel {
  const source = o.helperSource ?? findAskpassHelper();
  if (source === null)
    throw new Error(`The ssh askpass helper (${HELPER}) is missing from this installation.`);
  const dir = mkdtempSync(join(o.runtimeDir, 'ask-'));
  const token = randomBytes(32).toString('hex');
  const copy = join(dir, 'askpass');
  let helper = copy;
  let requestFd = -1;
  let answerFd = -1;
  let reader: Socket | null = null;
  let closed = false;
  let consumed = false;
  let late = false;
  let pending: { answered: boolean } | null = null;
  const answer = (line: string) => {
    try {
      if (answerFd >= 0) writeSync(answerFd, `${line}\n`);
    } catch {
      // EAGAIN: a full pipe nobody reads; the helper waiting for it then reads end-of-file at close
    }
  };
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(deadline);
    reader?.destroy();
    if (answerFd >= 0) closeSync(answerFd);
    answerFd = -1;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = setTimeout(() => {
    late = true;
    if (pending && !pending.answered) {
      pending.answered = true;
      answer('refused');
    }
  }, o.deadlineMs ?? 60_000);
  deadline.unref();
  try {
    writeFileSync(copy, readFileSync(source), { mode: 0o700 });
    helper = runnable(copy) ? copy : runnable(source) ? source : copy;
    execFileSync('mkfifo', ['-m', '600', join(dir, 'request'), join(dir, 'answer')]);
    // O_RDWR: the app holds a writer of `request` (so a helper closing it is no end-of-file to us)
    // and a reader of `answer` (so the helper's open never blocks, and an answer written before
    // the helper reads it waits in the pipe). O_NONBLOCK: no thread of the pool waits on a FIFO.
    requestFd = openSync(join(dir, 'request'), constants.O_RDWR | constants.O_NONBLOCK);
    answerFd = openSync(join(dir, 'answer'), constants.O_RDWR | constants.O_NONBLOCK);
  } catch (e) {
    if (requestFd >= 0) closeSync(requestFd);
    close();
    throw e;
  }
  const expected = Buffer.from(token);
  const hasToken = (line: string) => {
    const b = Buffer.from(line);
    return b.length === expected.length && timingSafeEqual(b, expected);
  };
  let buffer = '';
  const refuse = (reason: RefusalReason, prompt: string | null) => {
    answer('refused');
    o.onRefused(reason, prompt);
  };
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (;;) {
      const firstEnd = buffer.indexOf('\n');
      if (firstEnd < 0) break;
      if (!hasToken(buffer.slice(0, firstEnd))) {
        // Without the token the framing cannot be trusted either: refuse, and end the channel.
        refuse('token', null);
        return close();
      }
      const end = buffer.indexOf(`\n${token}\n`, firstEnd);
      if (end < 0) break;
      const prompt = buffer.slice(firstEnd + 1, end);
      buffer = buffer.slice(end + token.length + 2);
      if (late) refuse('late', prompt);
      else if (consumed) refuse('second', prompt);
      else {
        consumed = true;
        const state = { answered: false };
        pending = state;
        o.onRequest({
          prompt,
          reply(a) {
            if (state.answered || closed) return;
            state.answered = true;
            answer(a ?? 'refused');
          },
        });
      }
    }
    if (buffer.length > MAX_REQUEST) {
      refuse('malformed', null);
      close();
    }
  };
  reader = new Socket({ fd: requestFd, readable: true, writable: false });
  reader.on('data', onData);
  reader.on('error', () => close());
  return {
    helper,
    env: { HARBORMASTER_ASKPASS_DIR: dir, HARBORMASTER_ASKPASS_TOKEN: token },
    close,
  };
}
