import { writeSync } from 'node:fs';
import { escapeForTerminal } from '../model/clean-text.js';
import { COMMAND_INDEX, loadAllCommands, mentionsHost } from './command-index.js';
import type { CliContext } from './types.js';
import type { HarbormasterService } from '../service/types.js';

/** The full help text; it loads every command for its summary line (only help pays for that). */
async function help(): Promise<string> {
  const commands = await loadAllCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'harbormaster — what is listening on this machine, and who owns it',
    '',
    'Usage: harbormaster <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `harbormaster <command> --help` for a command’s options.',
    'Add --host ALIAS (a host of your ssh config) to list, who, check, kill, open or why to run it there.',
  ].join('\n');
}

/**
 * A writer for fd 1 or 2. Outside Windows it writes to the descriptor itself: `process.stdout`
 * is built on first use as a net.Socket (pipe) or tty.WriteStream, and that loads node:net, node:tty
 * and the stream machinery, ~4 ms of every cold start (issue 14 item 2), to write a few KB. A
 * descriptor left non-blocking by whoever started us (EAGAIN) hands the rest of the run to the
 * stream; a reader that went away (EPIPE, `| head -1`) ends the output quietly. Windows keeps the
 * stream, whose console writer converts to UTF-16.
 */
function fdWriter(fd: 1 | 2): (text: string) => void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  let mode: 'fd' | 'stream' | 'closed' = process.platform === 'win32' ? 'stream' : 'fd';
  return (text) => {
    if (mode === 'stream') stream().write(text);
    if (mode !== 'fd') return;
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          mode = 'stream';
          stream().write(bytes.subarray(offset));
          return;
        }
        if (code === 'EPIPE') {
          mode = 'closed';
          return;
        }
        throw e;
      }
    }
  };
}

/** True when stdin and stdout are both terminals (node:tty loads only when a command asks). */
function isInteractive(): boolean {
  const { isatty } = process.getBuiltinModule('node:tty');
  return isatty(0) && isatty(1);
}

/** Builds the real context: process streams, a TTY prompt, and a lazily created core. */
export function createCliContext(
  overrides: Partial<CliContext> = {},
): CliContext & { dispose(): Promise<void> } {
  let service: Promise<HarbormasterService> | null = null;
  const out = fdWriter(1);
  const errOut = fdWriter(2);
  const ask = async (question: string): Promise<string> => {
    // terminal: false: the prompt is written as plain text (readline's terminal mode adds
    // its own cursor escapes), and the tty's canonical mode still edits and echoes the answer.
    // readline loads only when a command asks something (cold start, issue 14 item 2).
    const { createInterface } = process.getBuiltinModule('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
    try {
      return await rl.question(escapeForTerminal(question));
    } finally {
      rl.close();
    }
  };
  // Decided on first read: isatty, not process.stdin.isTTY (touching process.stdin builds a stdin
  // stream no command but a prompt reads), and only when a command may ask (kill, stop-container).
  let prompt: CliContext['prompt'] | undefined;
  const ctx: CliContext & { dispose(): Promise<void> } = {
    // Every byte the CLI writes passes here, TTY or pipe: whatever a command forgot to clean is
    // escaped as visible \uXXXX text, never written raw (issue 9 item 3).
    stdout: (t) => out(escapeForTerminal(t)),
    stderr: (t) => errOut(escapeForTerminal(t)),
    get prompt() {
      prompt ??= isInteractive() ? ask : null;
      return prompt;
    },
    service: (focus) => {
      service ??= import('../service/create-service.js').then((m) =>
        m.createHarbormasterService({
          autoProbe: false,
          startPolling: false,
          face: 'cli',
          // The command's environment, not this process's: HARBORMASTER_HISTORY, the data folder.
          env: ctx.env,
          // A scan focused on one port sees only that port: it must not be recorded as if every
          // other listener had closed, so focused runs leave the port history alone.
          ...(focus ? { focusPorts: focus.ports, history: null } : {}),
        }),
      );
      return service;
    },
    env: process.env,
    onInterrupt: (handler) => {
      let interrupted = false;
      const onSigint = (): void => {
        // The second Ctrl+C is the user insisting: leave at once, as without a handler (128 + 2).
        if (interrupted) process.exit(130);
        interrupted = true;
        handler();
      };
      process.on('SIGINT', onSigint);
      return () => void process.off('SIGINT', onSigint);
    },
    ...overrides,
    async dispose() {
      if (service) await (await service).dispose();
    },
  };
  return ctx;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const ctx = createCliContext(overrides);
  const [name, ...rest] = argv;
  // The core's timers are unref'd (they must never keep a host process alive), so a command that
  // is only waiting on one of them (a probe spaced by the health monitor) would see Node exit under
  // it. Hold the loop open until the command has finished.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      ctx.stdout(`${await help()}\n`);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      ctx.stdout('harbormaster 0.1.0\n');
      return 0;
    }
    const entry = COMMAND_INDEX.find((c) => c.name === name);
    if (!entry) {
      ctx.stderr(`Unknown command ${JSON.stringify(name)}.\n\n${await help()}\n`);
      return 2;
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.stdout(`${command.usage}\n`);
      return 0;
    }
    // Issue 15: `--host ALIAS` runs the command against that ssh host instead of this machine.
    if (mentionsHost(rest)) {
      const { runOnHost } = await import('./commands/remote-dispatch.js');
      const remote = await runOnHost(command.name, rest, ctx);
      if (remote !== null) return remote;
    }
    return await command.run(rest, ctx);
  } finally {
    clearInterval(keepAlive);
    await ctx.dispose();
  }
}
