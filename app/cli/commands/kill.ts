import { checkPid } from '../../actions/kill.js';
import { isContainerPlumbing } from '../../containers/join.js';
import { listenersHeldBy, type KillOutcome, type KillReport } from '../../model/actions.js';
import type { HmError } from '../../model/errors.js';
import type { Listener } from '../../model/listener.js';
import { cleanText } from '../../model/clean-text.js';
import { elevatedKillCommand } from '../../model/commands.js';
import { viewerIsRoot } from '../../model/unknown-owner-words.js';
import { clean, formatUptime, jsonOut } from '../format.js';
import type { CliCommand, CliContext } from '../types.js';
import {
  EXIT_REFUSED,
  EXIT_USAGE,
  describeSocket,
  groupByOwner,
  listenersFor,
  parsePortCommand,
  printError,
  type OwnerGroup,
} from './port-target.js';
// ── CONTAINER HOOK (issue 10) ──
import { killContainerPort } from './container.js';

/** Exit code when the OS refused (another user's or an elevated process): copy the printed command. */
export const EXIT_PERMISSION = 4;
/** Exit code when the user answered no at the prompt, or cancelled the wait with Ctrl+C. */
export const EXIT_CANCELLED = 5;

const USAGE = `Usage: harbormaster kill <port> [--pid P] [--force] [--yes] [--json]

Stops the process that listens on <port> — only the listener's owner, never clients connected
to it — after showing its name, pid, user, command, uptime and every port it holds, and
asking you to confirm. Right before each signal it scans again: the pid must still be the same
process (start time and executable) and still hold the listener you confirmed, or nothing is
signalled. It sends SIGTERM (Windows: taskkill), waits up to a grace period, and re-scans to
report what really happened to each port it held (freed, still held, or taken by another).
  <port>      1–65535 (also :3000, localhost:3000, 127.0.0.1:3000, [::1]:3000)
  --pid P     which owner, when several processes hold the port
  --force     send SIGKILL (taskkill /F) if it is still running after the grace period
Ctrl+C while it waits cancels: nothing more is sent (no SIGKILL), and it says what was sent.
  --yes, -y   do not ask (required when stdin is not a terminal, and with --json)
  --json      print the kill report (or {"error": …}) as JSON
A port published by a container (held by docker-proxy, dockerd or a rootless helper) is freed
by stopping the container through the Engine API, never by signalling Docker's plumbing.
Refused: pid 1, Harbormaster itself and its parent processes, session-critical processes
(systemd, Xorg, WindowServer, csrss…), Docker's plumbing (also with --pid), and processes not
in the current scan.
Exit codes: 0 freed; 1 not freed (still running, restarted by a supervisor, taken by a new
process, still held by another, or it had already exited); 2 bad input, or --yes/--pid needed;
3 nothing listens there, a safety check refused, or the process no longer holds the port you
confirmed (nothing was signalled); 4 permission denied (the elevated command is printed);
5 cancelled at the prompt or with Ctrl+C while waiting.`;

/** The exit code for a verified kill outcome. */
export function exitCodeForOutcome(outcome: KillOutcome): number {
  if (outcome === 'freed') return 0;
  if (outcome === 'cancelled') return EXIT_CANCELLED;
  if (outcome === 'permission-denied') return EXIT_PERMISSION;
  return 1;
}

/** The exit code for a refusal or failure of the kill pipeline. */
export function exitCodeForError(error: HmError): number {
  switch (error.code) {
    case 'INVALID_PORT':
    case 'INVALID_PID':
    case 'INVALID_REQUEST':
      return EXIT_USAGE;
    case 'PROTECTED':
    case 'PROCESS_CHANGED':
    case 'NO_LONGER_HOLDS':
    case 'NOT_IN_SNAPSHOT':
      return EXIT_REFUSED;
    case 'EPERM':
      return EXIT_PERMISSION;
    default:
      return 1;
  }
}

/** Every listener the group's process holds (any port), this port's first: a kill frees them all. */
function heldListeners(g: OwnerGroup, all: readonly Listener[]): Listener[] {
  const others = listenersHeldBy(all, g.owner).filter((l) => !g.listeners.includes(l));
  return [...g.listeners, ...others];
}

function describeGroup(g: OwnerGroup, all: readonly Listener[]): string {
  const o = g.owner;
  const lines = [
    `${clean(o.name, 60)}  pid ${o.pid}  user ${clean(o.user ?? (o.uid !== null ? String(o.uid) : '?'), 32)}${
      o.startedAt !== null ? `  up ${formatUptime(o.startedAt)}` : ''
    }`,
    `    command: ${clean(o.command || o.name, 300)}`,
  ];
  if (o.exe) lines.push(`    path:    ${clean(o.exe, 300)}`);
  const held = heldListeners(g, all);
  lines.push(`    listens: ${held.map(describeSocket).join(', ')}`);
  return lines.join('\n');
}

function printReport(ctx: CliContext, report: KillReport, force: boolean): void {
  // The core's message names the owner (untrusted): cleaned, line breaks kept.
  ctx.stdout(`${cleanText(report.message, { newlines: true, max: 2000 })}\n`);
  if (report.outcome === 'still-running' && !force) {
    ctx.stdout(
      `Run it again with --force to send ${process.platform === 'win32' ? 'taskkill /F' : 'SIGKILL'}.\n`,
    );
  }
  if (report.command) ctx.stdout(`To do it with admin rights, run:\n  ${clean(report.command, 500)}\n`);
}

async function choose(
  ctx: CliContext,
  groups: readonly OwnerGroup[],
  all: readonly Listener[],
): Promise<OwnerGroup | null> {
  if (!ctx.prompt) return null;
  ctx.stdout(`Several processes hold this port:\n`);
  groups.forEach((g, i) => ctx.stdout(`  ${i + 1}) ${describeGroup(g, all)}\n`));
  const answer = (await ctx.prompt(`Which one? [1-${groups.length}, Enter to cancel] `)).trim();
  if (!/^[1-9][0-9]*$/.test(answer)) return null;
  return groups[Number.parseInt(answer, 10) - 1] ?? null;
}

/** `harbormaster kill <port>`: the safe kill pipeline behind a confirmation. */
export const killCommand: CliCommand = {
  name: 'kill',
  summary: 'stop the process listening on port N (confirms, verifies, reports the truth)',
  usage: USAGE,
  async run(args, ctx) {
    const parsed = parsePortCommand('kill', args, ctx, USAGE, {
      flags: ['force', 'yes'],
      options: ['pid'],
    });
    if (typeof parsed === 'number') return parsed;
    const { query, flags, options, json } = parsed;
    const force = flags.has('force');
    const yes = flags.has('yes');
    const pidText = options.get('pid');
    let wantedPid: number | null = null;
    if (pidText !== undefined) {
      const pid = checkPid(pidText);
      if (!pid.ok) {
        printError(ctx, json, pid.error);
        return EXIT_USAGE;
      }
      wantedPid = pid.value;
    }
    // Machine use never prompts: a prompt would block a script or corrupt its JSON.
    if (!yes && (json || !ctx.prompt)) {
      printError(
        ctx,
        json,
        'Not killing without confirmation: stdin is not a terminal (or --json was given). Add --yes to confirm.',
      );
      return EXIT_USAGE;
    }

    const service = await ctx.service({ ports: [query.port] });
    const snapshot = await service.getSnapshot();
    const holders = listenersFor(snapshot.listeners, query);
    if (holders.length === 0) {
      printError(ctx, json, {
        code: 'NOT_IN_SNAPSHOT',
        message: `Nothing is listening on port ${query.port}.`,
      });
      return EXIT_REFUSED;
    }
    const groups = groupByOwner(holders);
    if (groups.length === 0) {
      const pid = holders.find((l) => l.owner.pid !== null)?.owner.pid ?? null;
      // Root is never told to get admin rights: it could not read the process either.
      if (viewerIsRoot(snapshot.viewer ?? null)) {
        printError(ctx, json, {
          code: 'EPERM',
          message: `Port ${query.port} is held by a process Harbormaster could not read, even as root; it signals nothing it cannot check.`,
          hint:
            pid !== null
              ? 'Admin rights would not help. If you are sure, stop it yourself:'
              : 'Admin rights would not help: the holder is in another namespace or a confined root.',
          ...(pid !== null ? { command: elevatedKillCommand(pid, 'graceful', process.platform, true) } : {}),
        });
        return EXIT_PERMISSION;
      }
      printError(ctx, json, {
        code: 'EPERM',
        message: `Port ${query.port} is held by a process Harbormaster cannot see (needs admin).`,
        hint: 'Run Harbormaster with admin rights to see and stop it:',
        command: `sudo harbormaster kill ${query.port}${pid !== null ? ` --pid ${pid}` : ''}`,
      });
      return EXIT_PERMISSION;
    }
    let target: OwnerGroup | null;
    if (wantedPid !== null) {
      target = groups.find((g) => g.owner.pid === wantedPid) ?? null;
      if (!target) {
        printError(ctx, json, {
          code: 'NOT_IN_SNAPSHOT',
          message: `pid ${wantedPid} does not hold port ${query.port}; it is held by ${groups
            .map((g) => `${clean(g.owner.name, 40)} (pid ${g.owner.pid})`)
            .join(', ')}.`,
        });
        return EXIT_REFUSED;
      }
    } else if (groups.length === 1) {
      target = groups[0] ?? null;
    } else {
      if (yes || !ctx.prompt) {
        printError(
          ctx,
          json,
          `${groups.length} processes hold port ${query.port} (${groups
            .map((g) => `${clean(g.owner.name, 40)} pid ${g.owner.pid}`)
            .join(', ')}): choose one with --pid.`,
        );
        return EXIT_USAGE;
      }
      target = await choose(ctx, groups, snapshot.listeners);
      if (!target) {
        ctx.stdout('Cancelled; nothing was signalled.\n');
        return EXIT_CANCELLED;
      }
    }
    if (!target) return EXIT_REFUSED;
    // ── CONTAINER HOOK (issue 10): docker-proxy/dockerd are never signalled; the container is
    // stopped instead (after confirming with its name, image and compose project).
    if (isContainerPlumbing(target.owner.name, target.owner.exe)) {
      return killContainerPort(ctx, service, target, {
        json,
        yes,
        explicitPid: wantedPid !== null,
        port: query.port,
      });
    }

    if (!yes && ctx.prompt) {
      if (groups.length === 1 || wantedPid !== null)
        ctx.stdout(`Port ${query.port} is held by:\n  ${describeGroup(target, snapshot.listeners)}\n`);
      const how = force ? 'SIGTERM, then SIGKILL if it does not exit' : 'SIGTERM';
      const extra = heldListeners(target, snapshot.listeners).length - 1;
      const also =
        extra > 0 ? ` It also frees the ${extra} other listener${extra === 1 ? '' : 's'} listed.` : '';
      const answer = await ctx.prompt(
        `Stop ${clean(target.owner.name, 60)} (pid ${target.owner.pid}) with ${how}?${also} [y/N] `,
      );
      if (!/^y(es)?$/i.test(answer.trim())) {
        ctx.stdout('Cancelled; nothing was signalled.\n');
        return EXIT_CANCELLED;
      }
    }

    const listener = target.listeners.find((l) => l.protocol === 'tcp') ?? target.listeners[0];
    if (!listener) return EXIT_REFUSED;
    // Ctrl+C during the wait cancels it in the core (issue 16 item 3): no SIGKILL follows, and the
    // report says what was sent. Progress goes to stderr, so --json keeps stdout pure JSON.
    // node:crypto (~5 ms to load) only once the kill is confirmed, not before the prompt.
    const killId = process.getBuiltinModule('node:crypto').randomUUID();
    const who = `${clean(target.owner.name, 60)} (pid ${target.owner.pid})`;
    ctx.stderr(
      `Stopping ${who} with ${force ? 'SIGTERM, then SIGKILL if it does not exit' : 'SIGTERM'}… Ctrl+C cancels the wait.\n`,
    );
    const stopListening = ctx.onInterrupt?.(() => {
      ctx.stderr(`\nCancelling: nothing more is sent to ${who}. A signal already sent is not taken back.\n`);
      service.cancelKill({ killId }).catch(() => undefined);
    });
    const result = await service
      .kill({
        listenerId: listener.id,
        pid: target.owner.pid,
        startToken: target.owner.startToken,
        mode: force ? 'force' : 'graceful',
        killId,
      })
      .finally(() => stopListening?.());
    if (!result.ok) {
      printError(ctx, json, result.error);
      return exitCodeForError(result.error);
    }
    if (json) ctx.stdout(jsonOut(result.value));
    else printReport(ctx, result.value, force);
    return exitCodeForOutcome(result.value.outcome);
  },
};
