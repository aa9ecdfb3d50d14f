import type { Listener } from '../../model/listener.js';
import { unknownOwnerWords } from '../../model/unknown-owner-words.js';
import { scopeOf } from '../../model/scope.js';
import type { Snapshot, Viewer } from '../../model/snapshot.js';
import {
  clean,
  formatEndpoint,
  formatHealth,
  formatOwner,
  formatUptime,
  jsonOut,
  listenerJson,
  table,
} from '../format.js';
import { parseArgs } from '../parse-args.js';
import { formatContainerSection } from './container.js';
import type { CliCommand } from '../types.js';

const USAGE = `Usage: harbormaster list [--tcp|--udp] [--all] [--health] [--json]

Lists every listening socket (TCP LISTEN, bound UDP) with its owner.
  --tcp / --udp   only that protocol
  --all           also show other users' processes (hidden by default; unknown owners are always shown)
  --health        probe each listener politely first: listen for a banner; HTTP only to web-looking
                  owners and web ports; nothing at all is sent to other services
  --json          stable machine-readable output (see README, "CLI JSON")`;

/**
 * Whether `list` hides a listener without --all: another user's, by the one scope rule the tray and
 * the window use (app/model/scope.ts). System and unknown owners are always listed here.
 */
export function hiddenFromList(l: Listener, viewer: Viewer | null, all: boolean): boolean {
  return !all && scopeOf(l, viewer) === 'other-user';
}

/** `harbormaster list`. */
export const listCommand: CliCommand = {
  name: 'list',
  summary: 'list every listening port and its owner',
  usage: USAGE,
  async run(args, ctx) {
    const parsed = parseArgs(args, { flags: ['tcp', 'udp', 'all', 'health', 'json'] });
    if (!parsed.ok) {
      ctx.stderr(`${parsed.error}\n\n${USAGE}\n`);
      return 2;
    }
    const { flags } = parsed;
    if (parsed.positionals.length > 0) {
      ctx.stderr(`list takes no arguments.\n\n${USAGE}\n`);
      return 2;
    }
    if (flags.has('tcp') && flags.has('udp')) {
      ctx.stderr('Choose one of --tcp and --udp (or neither for both).\n');
      return 2;
    }
    const service = await ctx.service();
    let snapshot: Snapshot = await service.getSnapshot();
    if (flags.has('health')) {
      // All at once: the monitor keeps ≤ 4 probes in flight, one per host:port, and parks a probe
      // whose peer stays silent, so 100 listeners take well under 2 s and silent ones cost one
      // deadline in all (docs/SECURITY.md#probe-policy). `bulk`: the background policy, as the monitor and the tray use
      // it; the user named no listener, so none gets HTTP unless web-like.
      const tcp = snapshot.listeners.filter((l) => l.protocol === 'tcp');
      await Promise.all(tcp.map((l) => service.checkHealth({ listenerId: l.id, bulk: true })));
      snapshot = await service.getSnapshot();
    }
    // The core says who it runs as; this process is the same user when it does not.
    const viewer: Viewer = snapshot.viewer ?? {
      uid: typeof process.getuid === 'function' ? process.getuid() : null,
      user: null,
    };
    const all = flags.has('all');
    const shown = snapshot.listeners.filter(
      (l) =>
        (!flags.has('tcp') || l.protocol === 'tcp') &&
        (!flags.has('udp') || l.protocol === 'udp') &&
        !hiddenFromList(l, viewer, all),
    );
    const hiddenOthers = snapshot.listeners.filter((l) => hiddenFromList(l, viewer, all)).length;
    if (flags.has('json')) {
      ctx.stdout(
        jsonOut({
          version: 1,
          seq: snapshot.seq,
          takenAt: new Date(snapshot.takenAt).toISOString(),
          source: snapshot.source,
          viewer: snapshot.viewer ?? null,
          status: snapshot.status,
          stale: snapshot.stale,
          error: snapshot.error,
          notes: snapshot.notes,
          hiddenOtherUsers: hiddenOthers,
          listeners: shown.map(listenerJson),
          containers: snapshot.containers ?? null,
        }),
      );
      return snapshot.status === 'failed' ? 1 : 0;
    }
    if (snapshot.status === 'failed') {
      ctx.stderr(
        `Scan failed (${snapshot.error?.code ?? 'SCAN_FAILED'}): ${snapshot.error?.message ?? ''}\n`,
      );
      if (snapshot.stale) ctx.stderr('Showing the last good scan below; it may be out of date.\n');
      else return 1;
    }
    if (shown.length === 0) {
      ctx.stdout(snapshot.status === 'failed' ? '' : 'Nothing is listening (complete scan).\n');
    } else {
      const rows = shown.map((l) => {
        const o = l.owner;
        return [
          String(l.port),
          `${l.protocol}${l.family === 6 ? '6' : l.family === null ? '?' : ''}`,
          formatEndpoint(l.address, l.port).replace(/:\d+$/, ''),
          l.exposure === 'loopback' ? 'local' : l.exposure === 'all-interfaces' ? 'ALL' : 'lan',
          o.kind === 'process' ? String(o.pid) : o.pid === null ? '-' : String(o.pid),
          formatOwner(o, viewer),
          o.kind === 'process' ? clean(o.user ?? '', 16) : clean(o.user ?? '', 16),
          o.kind === 'process' ? formatUptime(o.startedAt) : '',
          l.health.state === 'unknown' ? (l.service?.name ?? '') : formatHealth(l.health),
          o.kind === 'process'
            ? clean(o.project ? `[${o.project.name}] ${o.command}` : o.command, 80)
            : clean(unknownOwnerWords(o, viewer).detail, 80),
        ];
      });
      ctx.stdout(
        `${table(['PORT', 'PROTO', 'ADDRESS', 'EXPOSED', 'PID', 'PROCESS', 'USER', 'UP', 'SERVICE/HEALTH', 'COMMAND'], rows)}\n`,
      );
    }
    // Issue 10: containers own ports, including NAT-only ones no host process holds.
    const containers = snapshot.containers
      ? formatContainerSection(snapshot.containers, snapshot.listeners)
      : '';
    if (containers) ctx.stdout(`${containers}\n`);
    const footer: string[] = [
      `${shown.length} listener${shown.length === 1 ? '' : 's'} · ${snapshot.source} · ${Math.round(snapshot.durationMs)} ms`,
    ];
    if (hiddenOthers > 0) footer.push(`${hiddenOthers} of other users hidden (--all shows them)`);
    for (const n of snapshot.notes) footer.push(n.message);
    ctx.stdout(`${footer.join(' · ')}\n`);
    return snapshot.status === 'failed' ? 1 : 0;
  },
};
