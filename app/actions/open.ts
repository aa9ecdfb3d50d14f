import { delimiter, isAbsolute, join } from 'node:path';
import type { OpenResult } from '../model/actions.js';
import { err, ok, type Result } from '../model/errors.js';
import type { Health } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import type { SnapshotSource } from '../watch/types.js';
import { httpVerdict } from './http-verdict.js';
import { buildUrl, schemeForListener, urlForListener, verifyOpenUrl } from './url.js';

/** Hands a verified URL to something that shows it (the OS browser, or a test opener). */
export type Opener = (url: string) => Promise<Result<void>>;

/**
 * Environment variable naming an executable that replaces the platform opener. It must be an
 * absolute path; it is run without a shell with the URL as its only argument. The e2e tests
 * use it to capture what "open" would show instead of launching a browser.
 */
export const OPENER_ENV = 'HARBORMASTER_OPENER';

/** A resolved opener command: absolute file plus the argv to pass before the URL. */
export interface OpenerCommand {
  readonly file: string;
  readonly argsBeforeUrl: readonly string[];
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    // child_process and fs/promises load on use: every CLI command imports this module.
    const { access, constants, stat } = process.getBuiltinModule('node:fs/promises');
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the opener to run: `HARBORMASTER_OPENER` when set, otherwise Linux `xdg-open` (by
 * absolute path: the usual locations first, then absolute PATH entries), macOS `/usr/bin/open`,
 * Windows `%SystemRoot%\System32\rundll32.exe url.dll,FileProtocolHandler` (no `cmd /c start`:
 * that would hand the URL to a shell).
 */
export async function resolveOpenerCommand(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<Result<OpenerCommand>> {
  const custom = env[OPENER_ENV];
  if (custom !== undefined && custom !== '') {
    if (!isAbsolute(custom)) return err('OPEN_FAILED', `${OPENER_ENV} must be an absolute path.`);
    if (!(await isExecutableFile(custom))) {
      return err('OPEN_FAILED', `${OPENER_ENV} (${custom.slice(0, 200)}) is not an executable file.`);
    }
    return ok({ file: custom, argsBeforeUrl: [] });
  }
  if (platform === 'darwin') return ok({ file: '/usr/bin/open', argsBeforeUrl: [] });
  if (platform === 'win32') {
    const root = env['SystemRoot'] ?? 'C:\\Windows';
    return ok({ file: `${root}\\System32\\rundll32.exe`, argsBeforeUrl: ['url.dll,FileProtocolHandler'] });
  }
  const fromPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter((d) => isAbsolute(d))
    .map((d) => join(d, 'xdg-open'));
  for (const candidate of ['/usr/bin/xdg-open', '/usr/local/bin/xdg-open', '/bin/xdg-open', ...fromPath]) {
    if (await isExecutableFile(candidate)) return ok({ file: candidate, argsBeforeUrl: [] });
  }
  return err('TOOL_MISSING', 'No way to open a browser: xdg-open is not installed.', {
    hint: 'Install xdg-utils, or copy the URL.',
  });
}

/**
 * Runs an opener detached, argv only, no shell. Waits up to `waitMs` for it to exit: a quick
 * non-zero exit is a failure worth reporting (xdg-open exits 3 when no browser is found); an
 * opener still running then (some run the browser in the foreground) counts as opened.
 */
export function launchOpener(command: OpenerCommand, url: string, waitMs = 2000): Promise<Result<void>> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Result<void>): void => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn(command.file, [...command.argsBeforeUrl, url], {
      shell: false,
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
    });
    child.once('error', (e) => finish(err('OPEN_FAILED', `Could not start ${command.file}: ${e.message}.`)));
    child.once('exit', (code, signal) => {
      if (code === 0) finish(ok(undefined));
      else {
        finish(
          err(
            'OPEN_FAILED',
            `${command.file} could not open the URL (${signal ?? `exit ${String(code)}`}).`,
            {
              hint: 'Copy the URL instead.',
            },
          ),
        );
      }
    });
    child.once('spawn', () => {
      const timer = setTimeout(() => {
        child.unref();
        finish(ok(undefined));
      }, waitMs);
      timer.unref();
    });
  });
}

/** The default opener: resolves the platform command (or `HARBORMASTER_OPENER`) and launches it. */
export function createPlatformOpener(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Opener {
  return async (url) => {
    const verified = verifyOpenUrl(url);
    if (!verified.ok) return verified;
    const command = await resolveOpenerCommand(env, platform);
    if (!command.ok) return command;
    return launchOpener(command.value, verified.value);
  };
}

/** What {@link openListener} needs. */
export interface OpenDeps {
  readonly source: SnapshotSource;
  /**
   * Probes one listener on request (the user named it by asking to open it). Without it, a
   * listener no probe has asked over HTTP is not opened.
   */
  readonly probe?: (listener: Listener) => Promise<Health>;
  /** Default: {@link createPlatformOpener} with `env`. */
  readonly opener?: Opener;
  readonly env?: NodeJS.ProcessEnv;
}

/** How {@link openListener} treats a listener that does not answer HTTP. */
export interface OpenOptions {
  /** The user knows it did not answer HTTP and opens it anyway. */
  readonly anyway?: boolean;
  /** False: every check runs and the verified URL is answered, but nothing is launched. */
  readonly launch?: boolean;
}

/**
 * Decides whether `listener` speaks HTTP from its last probe, probing it now (on request) when no
 * probe has asked it over HTTP yet. Returns the listener with the health the decision rests on, or
 * a `NOT_HTTP` error saying what the service answered.
 */
async function requireHttp(listener: Listener, deps: OpenDeps): Promise<Result<Listener>> {
  let health = listener.health;
  let verdict = httpVerdict(health);
  if (verdict.kind === 'unasked' && deps.probe) {
    health = await deps.probe(listener);
    verdict = httpVerdict(health);
  }
  if (verdict.kind === 'http') return ok({ ...listener, health });
  const where = `${listener.family === 6 ? `[${listener.address}]` : listener.address}:${listener.port}`;
  return err('NOT_HTTP', `Not opened: TCP ${where} does not speak HTTP. It ${verdict.answer}.`, {
    hint: 'Open it anyway only if you know it serves web pages.',
  });
}

/**
 * Opens a listener of the current snapshot in the browser, only when it speaks HTTP: its last
 * probe (made now, on request, when none asked it over HTTP) must have seen an HTTP or HTTPS
 * answer, unless `options.anyway`. The URL is rebuilt here from the listener's protocol, family,
 * bind address, port and probe kind (never taken from a caller, a title or a redirect),
 * re-verified (http/https, literal loopback or bind IP) and only then handed to the opener.
 * docs/SECURITY.md#opening-a-url.
 */
export async function openListener(
  listenerId: string,
  deps: OpenDeps,
  options: OpenOptions = {},
): Promise<Result<OpenResult>> {
  if (typeof listenerId !== 'string' || listenerId.length === 0 || listenerId.length > 300) {
    return err('INVALID_REQUEST', 'Open needs a listener id.');
  }
  let snapshot = deps.source.latest();
  if (snapshot === null || snapshot.stale) snapshot = await deps.source.refresh();
  const found = snapshot.listeners.find((l) => l.id === listenerId);
  if (!found) return err('NOT_IN_SNAPSHOT', 'That listener is no longer listed; refresh and try again.');
  let listener = found;
  // Listeners with no URL and no answer (UDP, never-HTTP ports) get the plain "nothing to open" below.
  const answered = urlForListener(listener) !== null || listener.health.state === 'up';
  if (listener.protocol === 'tcp' && answered && options.anyway !== true) {
    const checked = await requireHttp(listener, deps);
    if (!checked.ok) return checked;
    listener = checked.value;
  }
  const url =
    listener.protocol === 'tcp' && options.anyway === true
      ? (urlForListener(listener) ??
        buildUrl({
          scheme: schemeForListener(listener),
          family: listener.family,
          address: listener.address,
          port: listener.port,
        }))
      : urlForListener(listener);
  if (url === null) {
    const what = `${listener.protocol.toUpperCase()} port ${listener.port}`;
    return err(
      'UNSUPPORTED',
      listener.protocol === 'udp'
        ? `${what} is UDP: there is no web page to open.`
        : `${what}${listener.service ? ` (${listener.service.name})` : ''} does not speak HTTP, so there is nothing to open in a browser.`,
    );
  }
  const verified = verifyOpenUrl(url);
  if (!verified.ok) return verified;
  // The page opens it itself (browser mode): the same checks, the same URL, no opener here.
  if (options.launch === false) return ok({ url: verified.value });
  const opener = deps.opener ?? createPlatformOpener(deps.env ?? process.env);
  const opened = await opener(verified.value);
  if (!opened.ok) return opened;
  return ok({ url: verified.value });
}
