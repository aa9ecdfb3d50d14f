import { spawn, type ChildProcess } from 'node:child_process';
import { cleanText } from '../model/clean-text.js';
import {
  checkHello,
  createLineSplitter,
  MAX_ANSWER_LINE,
  type AgentHello,
  type AgentMethod,
} from './agent-protocol.js';
import { refChild } from './remote-shell.js';

/** How to start the agent: the ssh binary and its argv (`… -T -- ALIAS harbormaster agent --stdio`). */
export interface AgentClientOptions {
  readonly command: string;
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** How long the remote may take to start node and say hello (default 20 s). */
  readonly helloTimeoutMs?: number;
}

/** An answer: the method's result (often itself a Result), or why the call could not be made. */
export type AgentAnswer =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly message: string };

/** One long-lived `harbormaster agent --stdio` over the host's master. */
export interface AgentClient {
  readonly hello: AgentHello;
  /** False once the ssh process ended or a call broke the stream: start a new one. */
  readonly alive: boolean;
  call(method: AgentMethod, params: unknown, timeoutMs: number): Promise<AgentAnswer>;
  close(): void;
}

/** Why no agent runs: `absent` (not on PATH), `mismatch` (another version), `failed` (anything else). */
export type AgentStart =
  | { readonly ok: true; readonly client: AgentClient }
  | { readonly ok: false; readonly kind: 'absent' | 'mismatch' | 'failed'; readonly reason: string };

/**
 * Starts the agent and waits for its hello. The remote is untrusted: every line is capped
 * (MAX_ANSWER_LINE), the hello must match this build's major version, agent protocol and
 * contract, and answers are only handed on as `unknown` for the caller to validate and clean.
 * The ssh child is unreferenced while no call waits, so it never keeps the app alive.
 */
export function startAgentClient(o: AgentClientOptions): Promise<AgentStart> {
  return new Promise((resolveStart) => {
    const child: ChildProcess = spawn(o.command, [...o.argv], {
      env: o.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.stdin?.on('error', () => undefined);
    let alive = true;
    let hello: AgentHello | null = null;
    let nextId = 1;
    const waiting = new Map<number, (a: AgentAnswer) => void>();
    const errText: string[] = [];
    const settleStart = (s: AgentStart) => {
      clearTimeout(helloTimer);
      resolveStart(s);
    };
    const kill = (message: string) => {
      if (!alive) return;
      alive = false;
      child.kill('SIGKILL');
      for (const done of waiting.values()) done({ ok: false, message });
      waiting.clear();
    };
    const onLine = (line: string) => {
      if (hello === null) {
        const h = checkHello(line);
        if (!h.ok) {
          kill(h.reason);
          return settleStart({ ok: false, kind: 'mismatch', reason: h.reason });
        }
        hello = h.hello;
        refChild(child, false);
        return settleStart({ ok: true, client });
      }
      let msg: { type?: unknown; id?: unknown; result?: unknown; error?: { message?: unknown } };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return kill('the agent sent a line that is not JSON');
      }
      const done = typeof msg.id === 'number' ? waiting.get(msg.id) : undefined;
      if (!done) return; // an error for no call of ours (id null): nothing waits for it
      waiting.delete(msg.id as number);
      if (waiting.size === 0) refChild(child, false);
      if (msg.type === 'result') done({ ok: true, result: msg.result });
      else done({ ok: false, message: cleanText(String(msg.error?.message ?? 'agent error'), { max: 300 }) });
    };
    const split = createLineSplitter(MAX_ANSWER_LINE, onLine, () => kill('the agent sent an oversize line'));
    child.stdout?.on('data', split);
    child.stderr?.on('data', (b: Buffer) => {
      if (errText.length < 16) errText.push(b.toString('utf8'));
    });
    child.on('error', (e) => {
      kill(e.message);
      settleStart({ ok: false, kind: 'failed', reason: `cannot run ssh (${e.message})` });
    });
    child.on('exit', (code) => {
      const stderr = cleanText(errText.join(''), { max: 200, collapse: true });
      kill(`the agent exited (${code ?? 'signal'})`);
      // sh's "command not found" is 127: harbormaster is not on the remote PATH.
      if (code === 127)
        settleStart({ ok: false, kind: 'absent', reason: 'harbormaster is not on the remote PATH' });
      else
        settleStart({
          ok: false,
          kind: 'failed',
          reason: `the remote agent exited with ${code ?? 'a signal'} before its hello${stderr ? `: ${stderr}` : ''}`,
        });
    });
    const helloTimer = setTimeout(() => {
      kill('no hello');
      settleStart({ ok: false, kind: 'failed', reason: 'the remote agent did not say hello in time' });
    }, o.helloTimeoutMs ?? 20_000);
    const client: AgentClient = {
      get hello() {
        return hello as AgentHello;
      },
      get alive() {
        return alive;
      },
      call(method, params, timeoutMs) {
        if (!alive) return Promise.resolve({ ok: false, message: 'the agent is not running' });
        const id = nextId++;
        return new Promise((resolve) => {
          const timer = setTimeout(() => kill(`the agent did not answer ${method} in time`), timeoutMs);
          waiting.set(id, (a) => {
            clearTimeout(timer);
            resolve(a);
          });
          refChild(child, true);
          const call =
            params === undefined ? { type: 'call', id, method } : { type: 'call', id, method, params };
          child.stdin?.write(`${JSON.stringify(call)}\n`);
        });
      },
      close() {
        kill('closed');
      },
    };
  });
}
