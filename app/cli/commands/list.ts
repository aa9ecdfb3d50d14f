import type { Listener } from '../../model/listener.js';
import type { Snapshot } from '../../model/snapshot.js';
import {
  clean,
  formatEndpoint,
  formatHealth,
  formatOwner,
  formatUptime,
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
  --health        probe each listener politely first (HTTP only for web-looking owners)
  --json          stable machine-readable output (see README, "CLI JSON")`;

/** Whether a listener belongs to another user (and so is hidden without --all). */
function otherUsers(l: Listener, uid: number | null): boolean {
  return (
    uid !== null && uid !== 0 && l.owner.kind === 'process' && l.owner.uid !== null && l.owner.uid !== uid
  );
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
      // At most 4 probes at a time (SECURITY.md "Probing"); a silent service costs its 2 s deadline
      // once, not once per listener queued behind it.
      const queue = snapshot.listeners.filter((l) => l.protocol === 'tcp');
      const worker = async () => {
        for (let l = queue.shift(); l; l = queue.shift()) await service.checkHealth({ listenerId: l.id });
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      snapshot = await service.getSnapshot();
    }
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    const shown = snapshot.listeners.filter(
      (l) =>
        (!flags.has('tcp') || l.protocol === 'tcp') &&
        (!flags.has('udp') || l.protocol === 'udp') &&
        (flags.has('all') || !otherUsers(l, uid)),
    );
    const hiddenOthers = snapshot.listeners.filter((l) => otherUsers(l, uid) && !flags.has('all')).length;
    if (flags.has('json')) {
      ctx.stdout(
        `${JSON.stringify(
          {
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
          },
          null,
          2,
        )}\n`,
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
          `${l.protocol}${l.family === 6 ? '6' : ''}`,
          formatEndpoint(l.address, l.port).replace(/:\d+$/, ''),
          l.exposure === 'loopback' ? 'local' : l.exposure === 'all-interfaces' ? 'ALL' : 'lan',
          o.kind === 'process' ? String(o.pid) : o.pid === null ? '-' : String(o.pid),
          formatOwner(o),
          o.kind === 'process' ? clean(o.user ?? '', 16) : clean(o.user ?? '', 16),
          o.kind === 'process' ? formatUptime(o.startedAt) : '',
          l.health.state === 'unknown' ? (l.service?.name ?? '') : formatHealth(l.health),
          o.kind === 'process'
            ? clean(o.project ? `[${o.project.name}] ${o.command}` : o.command, 80)
            : clean(o.message, 80),
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
