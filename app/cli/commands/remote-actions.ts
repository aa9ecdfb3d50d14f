import { createPlatformOpener } from '../../actions/open.js';
import { cleanText } from '../../model/clean-text.js';
import type { HostAlias } from '../../remote/alias.js';
import { openForward } from '../../remote/forwards.js';
import { killRemotePort, remoteKillReport } from '../../remote/remote-kill.js';
import { formatEndpoint, jsonOut } from '../format.js';
import type { CliContext } from '../types.js';
import { EXIT_HOST_FAILED, cliHost, printHostFailure, runtimeDirOf } from './remote-context.js';
import { remotePort, snapshotOf } from './remote-list.js';

/** `harbormaster kill --host ALIAS <port> [--yes]`: confirm, then the remote re-check and SIGTERM. */
export async function remoteKill(
  args: readonly string[],
  alias: HostAlias,
  ctx: CliContext,
): Promise<number> {
  const p = remotePort('kill', args, ctx, ['yes']);
  if (!p) return 2;
  const yes = p.flags.has('yes');
  if (!yes && !ctx.prompt) {
    ctx.stderr('Not killing without confirmation: stdin is not a terminal. Add --yes to confirm.\n');
    return 2;
  }
  const dir = runtimeDirOf(ctx);
  if (dir === null) return EXIT_HOST_FAILED;
  const host = cliHost(ctx, alias, dir);
  const connected = await host.connect();
  if (!connected.ok) {
    printHostFailure(ctx, alias, connected.failure);
    return EXIT_HOST_FAILED;
  }
  const r = await killRemotePort(host, p.port, null, async (l) => {
    const h = l.holder;
    const what = `pid ${h?.pid} ${cleanText(h?.name ?? '')} (user ${cleanText(h?.user ?? '?')}) on ${alias} ${formatEndpoint(l.address, l.port)}`;
    ctx.stdout(`Will send SIGTERM to ${what}\n  command: ${cleanText(h?.command ?? '', { max: 200 })}\n`);
    if (yes || !ctx.prompt) return true;
    return /^y(es)?$/i.test((await ctx.prompt('Kill it? [y/N] ')).trim());
  });
  if (!r.ok) {
    if (r.reason === 'host') {
      printHostFailure(ctx, alias, r.failure);
      return EXIT_HOST_FAILED;
    }
    ctx.stderr(`${r.message}\n`);
    return r.reason === 'not-found' ? 3 : r.reason === 'cancelled' ? 1 : 1;
  }
  const report = remoteKillReport(alias, p.port, r.target.pid, r.outcome);
  const code = report.outcome.kind === 'freed' ? 0 : 1;
  if (p.json) ctx.stdout(jsonOut({ host: alias, port: p.port, pid: r.target.pid, outcome: r.outcome }));
  else
    (code === 0 ? ctx.stdout : ctx.stderr)(
      `${report.message}${report.command ? `\n  ${report.command}` : ''}\n`,
    );
  return code;
}

/** `harbormaster open --host ALIAS <port>`: a managed forward, then the local URL in the browser. */
export async function remoteOpen(
  args: readonly string[],
  alias: HostAlias,
  ctx: CliContext,
): Promise<number> {
  const p = remotePort('open', args, ctx, ['no-browser']);
  if (!p) return 2;
  const reached = await snapshotOf(ctx, alias, 'yes');
  if (reached === null) return EXIT_HOST_FAILED;
  const { host, dir, snap } = reached;
  const l = snap.listeners.find((x) => x.port === p.port && x.protocol === 'tcp');
  if (!l) {
    ctx.stderr(`Nothing is listening on TCP port ${p.port} on ${alias}.\n`);
    return 3;
  }
  const f = await openForward(host, dir, { port: l.port, address: l.address }, null);
  if (!f.ok) {
    printHostFailure(ctx, alias, f.failure);
    return EXIT_HOST_FAILED;
  }
  if (p.json)
    ctx.stdout(jsonOut({ host: alias, id: f.value.record.id, mapping: f.value.mapping, url: f.value.url }));
  else ctx.stdout(`Forward ${f.value.record.id}: ${alias} ${f.value.mapping} (${f.value.url})\n`);
  if (p.flags.has('no-browser')) return 0;
  const opened = await createPlatformOpener(ctx.env)(f.value.url);
  if (!opened.ok) {
    ctx.stderr(`Could not open the browser: ${opened.error.message}\n`);
    return 1;
  }
  return 0;
}
