import { existsSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchOpener, OPENER_ENV, resolveOpenerCommand } from '../../actions/open.js';
import { parsePort } from '../../model/port.js';
import type { Pin } from '../../model/settings.js';
import type { createLaunchFile, LaunchFile } from '../../serve/launch-file.js';
import { DEFAULT_SERVE_PORT } from '../../serve/default-port.js';
import type { HarbormasterService } from '../../service/types.js';
import { parseArgs } from '../parse-args.js';
import type { CliCommand, CliContext } from '../types.js';

const USAGE = `Usage: harbormaster serve [--port N] [--any-port] [--no-open] [--opener PATH] [--verbose]

Shows Harbormaster in your browser: serves the window's UI on 127.0.0.1 (and [::1]) only,
protected by a random token made for this launch. The printed link carries the token after '#'
(browsers never send that part to a server); anyone without it is refused. The browser is not
given the link itself (other users can read any program's command line): it opens a private
launch page (mode 0600, in a 0700 folder of yours) that redirects to it and is deleted on exit.

  --port N       port to listen on (default ${DEFAULT_SERVE_PORT}; 0 = any free port)
  --any-port     if the port is taken, say who holds it and use a free one instead
  --no-open      print the link but do not open a browser
  --opener PATH  absolute path of a program to open the link with (instead of the system browser)
  --verbose      log refused requests (wrong Host, Origin or token) to stderr

Ctrl+C (or SIGTERM, or closing the terminal) stops the server. Exit code: 0 after a clean stop, 1 when it cannot start, 2 for bad options.`;

/** Finds `dist/renderer` of this package, whether running from `dist/` or from the sources. */
export function findRendererDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 8; i += 1) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === 'harbormaster') {
          const renderer = path.join(dir, 'dist', 'renderer');
          return existsSync(path.join(renderer, 'index.html')) ? renderer : null;
        }
      } catch {
        // not our package.json; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** What `serve` needs from the outside world; tests replace the stop signal and the core. */
export interface ServeCommandDeps {
  /** Creates the polling core (default: the real one, polling and probing). */
  readonly createService?: (ctx: CliContext) => Promise<HarbormasterService>;
  /** Resolves when the server should stop (default: SIGINT, SIGTERM or SIGHUP). */
  readonly waitForStop?: () => Promise<string>;
  readonly rendererDir?: () => string | null;
  /** Writes the launch page the browser opens (default: {@link createLaunchFile}). */
  readonly createLaunchFile?: typeof createLaunchFile;
}

async function defaultService(ctx: CliContext): Promise<HarbormasterService> {
  const { createHarbormasterService } = await import('../../service/create-service.js');
  const { readPins, userDataDir, writePins } = await import('../../settings/pins-file.js');
  const { DEFAULT_SETTINGS } = await import('../../model/settings.js');
  // Pins are shared with the desktop app and `harbormaster pin`: read them from its settings
  // file, and write them back when the page changes them (the other settings stay in memory).
  const dir = userDataDir(process.platform, ctx.env, homedir());
  const pins = await readPins(dir);
  let saved: readonly Pin[] = pins.ok ? pins.value : [];
  // Unlike `list`/`who`, serve keeps a live view: poll, and probe health politely.
  return createHarbormasterService({
    env: ctx.env,
    face: 'serve',
    settings: { ...DEFAULT_SETTINGS, pins: saved },
    persistSettings: async (settings) => {
      if (settings.pins === saved || !pins.ok) return;
      saved = settings.pins;
      await writePins(dir, settings.pins);
    },
  });
}

function waitForSignal(): Promise<string> {
  // SIGHUP too: closing the terminal must stop serve cleanly (and remove the launch file) as
  // Ctrl+C does, not kill it where it stands.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(signal);
    };
    const handlers = signals.map((s) => [s, (): void => stop(s)] as const);
    for (const [s, h] of handlers) process.once(s, h);
  });
}

/** Builds the `serve` command with injectable dependencies. */
export function createServeCommand(deps: ServeCommandDeps = {}): CliCommand {
  return {
    name: 'serve',
    summary: 'show Harbormaster in a browser (127.0.0.1 only, token-protected)',
    usage: USAGE,
    async run(args, ctx) {
      const parsed = parseArgs(args, {
        flags: ['no-open', 'any-port', 'verbose'],
        options: ['port', 'opener'],
      });
      if (!parsed.ok) {
        ctx.stderr(`${parsed.error}\n\n${USAGE}\n`);
        return 2;
      }
      if (parsed.positionals.length > 0) {
        ctx.stderr(`serve takes no arguments.\n\n${USAGE}\n`);
        return 2;
      }
      let port = DEFAULT_SERVE_PORT;
      const portText = parsed.options.get('port');
      if (portText !== undefined) {
        if (portText === '0') port = 0;
        else {
          const p = parsePort(portText);
          if (!p.ok) {
            ctx.stderr(`${p.error.message} (or 0 for any free port)\n`);
            return 2;
          }
          port = p.value;
        }
      }
      const openerPath = parsed.options.get('opener');
      const noOpen = parsed.flags.has('no-open');
      // Resolve the opener before starting, so a bad --opener fails fast with exit 2.
      const opener = noOpen
        ? null
        : await resolveOpenerCommand(
            openerPath !== undefined ? { ...ctx.env, [OPENER_ENV]: openerPath } : ctx.env,
          );
      if (opener && !opener.ok && openerPath !== undefined) {
        ctx.stderr(`--opener: ${opener.error.message.replace(OPENER_ENV, 'the opener')}\n`);
        return 2;
      }
      const rendererDir = (deps.rendererDir ?? findRendererDir)();
      if (rendererDir === null) {
        ctx.stderr('The browser UI is not built yet: run `npm run build` first.\n');
        return 1;
      }

      // Loaded here, not at the top: ws, zod and the static server are serve's alone, and every
      // other command would pay for parsing them at start (issue 14 item 2).
      const { startServe } = await import('../../serve/server.js');
      const service = await (deps.createService ?? defaultService)(ctx);
      const verbose = parsed.flags.has('verbose');
      const started = await startServe({
        service,
        staticDir: rendererDir,
        port,
        allowPortFallback: parsed.flags.has('any-port'),
        ...(verbose ? { log: (line: string) => ctx.stderr(`serve: ${line}\n`) } : {}),
      });
      if (!started.ok) {
        ctx.stderr(`${started.error.message}\n${started.error.hint ? `${started.error.hint}\n` : ''}`);
        await service.dispose();
        return 1;
      }
      const server = started.value;
      // Ctrl+C is listened for before the link is printed, so a quick stop is always clean.
      const stopped = (deps.waitForStop ?? waitForSignal)();
      if (server.fallback) {
        ctx.stdout(
          `Port ${server.fallback.requestedPort} is in use by ${server.fallback.heldBy}; using ${server.port}.\n`,
        );
      }
      ctx.stdout(`Harbormaster is serving on ${server.url}\n`);
      if (server.addresses.includes('::1')) {
        ctx.stdout(`  (also on http://[::1]:${server.port}/ — add the same #token=… part)\n`);
      }
      ctx.stdout('Only this machine can connect, and only with the link above. Press Ctrl+C to stop.\n');

      let launch: LaunchFile | null = null;
      const removeOnExit = (): void => launch?.removeSync();
      if (opener) {
        if (opener.ok) {
          // The opener (and the browser it starts) gets the launch page's file:// URL, never the
          // token: every local user can read their command lines and, as root, environments.
          const file = await (
            deps.createLaunchFile ?? (await import('../../serve/launch-file.js')).createLaunchFile
          )(server.url, {
            platform: process.platform,
            env: ctx.env,
            home: homedir(),
            tmp: tmpdir(),
          });
          if (file.ok) {
            launch = file.value;
            process.once('exit', removeOnExit);
            const launched = await launchOpener(opener.value, launch.url);
            if (!launched.ok)
              ctx.stderr(`Could not open a browser (${launched.error.message}) — open the link yourself.\n`);
          } else {
            ctx.stderr(`Could not open a browser (${file.error.message}) — open the link yourself.\n`);
          }
        } else {
          ctx.stderr(`Could not open a browser (${opener.error.message}) — open the link yourself.\n`);
        }
      }

      const signal = await stopped;
      ctx.stdout(`\nStopping (${signal})…\n`);
      await launch?.remove();
      process.off('exit', removeOnExit);
      await server.close();
      await service.dispose();
      return 0;
    },
  };
}

/** `harbormaster serve`: the browser mode. */
export const serveCommand: CliCommand = createServeCommand();
