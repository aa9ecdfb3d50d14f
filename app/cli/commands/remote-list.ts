import { cleanText } from '../../model/clean-text.js';
import type { HostAlias } from '../../remote/alias.js';
import type { RemoteListener } from '../../remote/parse-dump.js';
import { formatEndpoint, formatUptime, jsonOut, table } from '../format.js';
import { parseArgs } from '../parse-args.js';
import type { CliContext } from '../types.js';
import { EXIT_HOST_FAILED, cliHost, printHostFailure, runtimeDirOf } from './remote-context.js';

/** One remote listener as a table row (every remote string was cleaned by the parser; again here). */
export function remoteRow(l: RemoteListener): string[] {
  const h = l.holder;
  return [
    String(l.port),
    `${l.protocol}${l.family === 6 ? '6' : ''}`,
    formatEndpoint(l.address, l.port).replace(/:\d+$/, ''),
    l.exposure === 'loopback' ? 'local' : l.exposure === 'all-interfaces' ? 'ALL' : 'lan',
    h ? String(h.pid) : '-',
    h ? cleanText(h.user ?? '', { max: 16 }) : `uid ${l.socketUid}`,
    h ? formatUptime(h.startedAt) : '',
    h ? cleanText(h.command, { max: 80 }) : 'owner hidden (another user, not visible to this login)',
  ];
}

/** JSON shape of one remote listener. */
export function remoteJson(l: RemoteListener) {
  return { ...l, holder: l.holder };
}

/**
 * Snapshot of a host, or a printed failure (never "no ports" for a failed host). `persist` is
 * the master connection's lifetime (`yes` when a forward will outlive this command).
 */
export async function snapshotOf(ctx: CliContext, alias: HostAlias, persist?: 'yes') {
  const dir = runtimeDirOf(ctx);
  if (dir === null) return null;
  const host = cliHost(ctx, alias, dir, persist);
  const connected = await host.connect();
  if (!connected.ok) {
    printHostFailure(ctx, alias, connected.failure);
    return null;
  }
  const snap = await host.snapshot();
  if (!snap.ok) {
    printHostFailure(ctx, alias, snap.failure);
    return null;
  }
  return { host, dir, snap: snap.value };
}

/** `harbormaster list --host ALIAS [--tcp|--udp] [--json]`. */
export async function remoteList(
  args: readonly string[],
  alias: HostAlias,
  ctx: CliContext,
): Promise<number> {
  const parsed = parseArgs(args, { flags: ['tcp', 'udp', 'json', 'all'] });
  if (!parsed.ok || parsed.positionals.length > 0) {
    ctx.stderr(`${parsed.ok ? 'list takes no arguments.' : parsed.error}\n`);
    return 2;
  }
  const r = await snapshotOf(ctx, alias);
  if (!r) return EXIT_HOST_FAILED;
  const shown = r.snap.listeners.filter(
    (l) =>
      (!parsed.flags.has('tcp') || l.protocol === 'tcp') &&
      (!parsed.flags.has('udp') || l.protocol === 'udp'),
  );
  if (parsed.flags.has('json')) {
    ctx.stdout(
      jsonOut({ version: 1, host: alias, viewerUid: r.snap.viewerUid, listeners: shown.map(remoteJson) }),
    );
    return 0;
  }
  if (shown.length === 0) ctx.stdout(`Nothing is listening on ${alias} (complete scan).\n`);
  else
    ctx.stdout(
      `${table(['PORT', 'PROTO', 'ADDRESS', 'EXPOSED', 'PID', 'USER', 'UP', 'COMMAND'], shown.map(remoteRow))}\n`,
    );
  const hidden = shown.filter((l) => l.holder === null).length;
  ctx.stdout(
    `${shown.length} listener${shown.length === 1 ? '' : 's'} · ${alias} over ssh · ${Math.round(r.snap.durationMs)} ms` +
      `${hidden > 0 ? ` · ${hidden} with owners this login cannot see` : ''}` +
      `${r.snap.skipped > 0 ? ` · ${r.snap.skipped} unreadable lines skipped` : ''}\n`,
  );
  return 0;
}

/** Parses `<port>` for the remote port commands. */
export function remotePort(cmd: string, args: readonly string[], ctx: CliContext, flags: string[] = []) {
  const parsed = parseArgs(args, { flags: ['json', ...flags] });
  if (!parsed.ok) {
    ctx.stderr(`${parsed.error}\n`);
    return null;
  }
  const text = parsed.positionals[0] ?? '';
  const port = Number(text.replace(/^:/, ''));
  if (parsed.positionals.length !== 1 || !Number.isInteger(port) || port < 1 || port > 65535) {
    ctx.stderr(`${cmd} --host ALIAS needs one port, 1–65535.\n`);
    return null;
  }
  return { port, flags: parsed.flags, json: parsed.flags.has('json') };
}

/** `harbormaster who|check --host ALIAS <port>`: who holds it there (check: exit 0 when something listens). */
export async function remoteWho(
  cmd: 'who' | 'check',
  args: readonly string[],
  alias: HostAlias,
  ctx: CliContext,
): Promise<number> {
  const p = remotePort(cmd, args, ctx);
  if (!p) return 2;
  const r = await snapshotOf(ctx, alias);
  if (!r) return EXIT_HOST_FAILED;
  const on = r.snap.listeners.filter((l) => l.port === p.port);
  if (p.json) ctx.stdout(jsonOut({ host: alias, port: p.port, listeners: on.map(remoteJson) }));
  else if (on.length === 0) ctx.stdout(`Nothing is listening on port ${p.port} on ${alias}.\n`);
  else {
    for (const l of on) {
      const h = l.holder;
      ctx.stdout(
        `${alias} ${formatEndpoint(l.address, l.port)} (${l.protocol}${l.family === 6 ? '6' : ''}): ` +
          (h
            ? `pid ${h.pid} ${cleanText(h.name)} (user ${cleanText(h.user ?? '?')}, up ${formatUptime(h.startedAt)})\n` +
              `  command: ${cleanText(h.command, { max: 300 })}\n` +
              (h.cwd ? `  cwd: ${cleanText(h.cwd)}\n` : '')
            : `owner hidden (socket uid ${l.socketUid})\n`),
      );
    }
  }
  return on.length === 0 ? 3 : 0;
}

/**
 * `harbormaster why --host ALIAS <port>`: the remote half of "why can't I connect": whether
 * anything listens there, on which addresses, and how to reach it from here (a loopback-only
 * listener needs a forward; a wildcard one may also be reachable directly, firewall permitting).
 */
export async function remoteWhy(args: readonly string[], alias: HostAlias, ctx: CliContext): Promise<number> {
  const p = remotePort('why', args, ctx);
  if (!p) return 2;
  const r = await snapshotOf(ctx, alias);
  if (!r) return EXIT_HOST_FAILED;
  const on = r.snap.listeners.filter((l) => l.port === p.port && l.protocol === 'tcp');
  const verdict =
    on.length === 0
      ? `Nothing listens on TCP port ${p.port} on ${alias}: start the service there first.`
      : on.every((l) => l.exposure === 'loopback')
        ? `Port ${p.port} on ${alias} listens on loopback only: reach it through a forward, ` +
          `harbormaster open --host ${alias} ${p.port}`
        : `Port ${p.port} on ${alias} listens on ${on.map((l) => formatEndpoint(l.address, l.port)).join(', ')}: ` +
          `reachable directly if no firewall is in the way, or through harbormaster open --host ${alias} ${p.port}`;
  if (p.json) ctx.stdout(jsonOut({ host: alias, port: p.port, verdict, listeners: on.map(remoteJson) }));
  else {
    ctx.stdout(`${verdict}\n`);
    for (const l of on)
      ctx.stdout(
        `  ${formatEndpoint(l.address, l.port)} ${l.exposure}: ` +
          (l.holder
            ? `pid ${l.holder.pid} ${cleanText(l.holder.name)}\n`
            : `owner hidden (uid ${l.socketUid})\n`),
      );
  }
  return on.length === 0 ? 1 : 0;
}
