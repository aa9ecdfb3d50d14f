import { checkAlias } from '../../remote/alias.js';
import { readForwards } from '../../remote/forward-registry.js';
import { closeForward, forwardStatuses, openForward } from '../../remote/forwards.js';
import { discoverHosts } from '../../remote/ssh-config.js';
import { expandGlob, readTextOrNull } from '../../remote/ssh-config-fs.js';
import { jsonOut, table } from '../format.js';
import { commandArgs } from '../parse-args.js';
import type { CliCommand } from '../types.js';
import {
  EXIT_HOST_FAILED,
  SSH_CONFIG_ENV,
  cliHost,
  printHostFailure,
  runtimeDirOf,
  sshConfigOf,
} from './remote-context.js';

const FORWARD_USAGE = `Usage: harbormaster forward ALIAS PORT [--local PORT] [--json]

Forwards remote PORT of the ssh host ALIAS to this machine, listening on 127.0.0.1 (and ::1)
only, over one ssh ControlMaster per host. The local port is the same number when it is free,
otherwise a free one, and the mapping is shown ("remote 8080 → local 8081").
  --local PORT   use exactly this local port (fails when it is taken)
Environment: ${SSH_CONFIG_ENV}=file   use this ssh config (ssh -F) instead of ~/.ssh/config`;

const FORWARDS_USAGE = `Usage: harbormaster forwards [--close ID|all] [--json]

Lists the managed forwards with their state (ok, remote listener gone, host disconnected);
--close ID closes one, --close all closes every one.`;

const HOSTS_USAGE = `Usage: harbormaster hosts [--json]

Lists the concrete Host entries of your ssh config (~/.ssh/config and its Includes; wildcard
patterns are not hosts). Use one with --host ALIAS on list, who, check, kill and open.`;

/** `harbormaster forward ALIAS PORT [--local PORT]`. */
export const forwardCommand: CliCommand = {
  name: 'forward',
  summary: 'forward a port of an ssh host to this machine (loopback only)',
  usage: FORWARD_USAGE,
  async run(args, ctx) {
    const parsed = commandArgs(ctx.stderr, FORWARD_USAGE, args, { flags: ['json'], options: ['local'] });
    if (parsed === null) return 2;
    const [aliasText, portText] = parsed.positionals;
    const alias = checkAlias(aliasText ?? '');
    if (!alias.ok)
      return (ctx.stderr(`Refusing host alias ${JSON.stringify(aliasText ?? '')}: ${alias.reason}\n`), 2);
    const port = Number(portText);
    const localText = parsed.options.get('local');
    const local = localText === undefined ? null : Number(localText);
    const bad = (n: number | null) => n !== null && (!Number.isInteger(n) || n < 1 || n > 65535);
    if (parsed.positionals.length !== 2 || bad(port) || bad(local))
      return (ctx.stderr(`Ports are 1–65535.\n\n${FORWARD_USAGE}\n`), 2);
    const dir = runtimeDirOf(ctx);
    if (dir === null) return EXIT_HOST_FAILED;
    const host = cliHost(ctx, alias.alias, dir, 'yes');
    // A master started by a poll persists only briefly; forwards need one that stays.
    if (!readForwards(dir).some((r) => r.alias === alias.alias) && (await host.isConnected()))
      await host.disconnect();
    const snap = (await host.connect()).ok ? await host.snapshot() : null;
    const l = snap?.ok
      ? snap.value.listeners.find((x) => x.port === port && x.protocol === 'tcp')
      : undefined;
    const f = await openForward(host, dir, { port, address: l?.address ?? '127.0.0.1' }, local);
    if (!f.ok) return (printHostFailure(ctx, alias.alias, f.failure), EXIT_HOST_FAILED);
    if (parsed.flags.has('json'))
      ctx.stdout(jsonOut({ ...f.value.record, mapping: f.value.mapping, url: f.value.url }));
    else {
      ctx.stdout(
        `Forward ${f.value.record.id}: ${alias.alias} ${f.value.mapping} on ${f.value.record.binds.join(' and ')}\n`,
      );
      if (snap?.ok && !l) ctx.stdout(`Note: nothing listens on port ${port} on ${alias.alias} yet.\n`);
      ctx.stdout(`Close it with: harbormaster forwards --close ${f.value.record.id}\n`);
    }
    return 0;
  },
};

/** `harbormaster forwards [--close ID|all]`. */
export const forwardsCommand: CliCommand = {
  name: 'forwards',
  summary: 'list or close the managed forwards',
  usage: FORWARDS_USAGE,
  async run(args, ctx) {
    const spec = { flags: ['json'], options: ['close'] };
    const parsed = commandArgs(ctx.stderr, FORWARDS_USAGE, args, spec, { name: 'forwards' });
    if (parsed === null) return 2;
    const dir = runtimeDirOf(ctx);
    if (dir === null) return EXIT_HOST_FAILED;
    const records = readForwards(dir);
    const aliases = [...new Set(records.map((r) => r.alias))];
    const hostOf = (a: string) => {
      const c = checkAlias(a);
      const rec = records.find((r) => r.alias === a);
      return c.ok ? cliHost(ctx, c.alias, dir, 'yes', rec?.configFile ?? null) : null;
    };
    const close = parsed.options.get('close');
    if (close !== undefined) {
      const ids = close === 'all' ? records.map((r) => r.id) : [Number(close)];
      if (close !== 'all' && !records.some((r) => r.id === ids[0]))
        return (ctx.stderr(`No forward with id ${JSON.stringify(close)}.\n`), 3);
      for (const id of ids) {
        const rec = records.find((r) => r.id === id);
        const host = rec ? hostOf(rec.alias) : null;
        if (!rec || !host) continue;
        await closeForward(host, dir, id);
        ctx.stdout(
          `Closed forward ${id} (${rec.alias} remote ${rec.remotePort} → local ${rec.localPort}).\n`,
        );
        if (!readForwards(dir).some((r) => r.alias === rec.alias)) await host.disconnect();
      }
      return 0;
    }
    const rows: { id: number; alias: string; local: string; remote: number; status: string }[] = [];
    for (const a of aliases) {
      const host = hostOf(a);
      if (!host) continue;
      for (const s of await forwardStatuses(host, dir))
        rows.push({
          id: s.record.id,
          alias: a,
          local: s.record.binds
            .map((b) => (b === '::1' ? `[::1]:${s.record.localPort}` : `${b}:${s.record.localPort}`))
            .join(' '),
          remote: s.record.remotePort,
          status: s.status,
        });
    }
    if (parsed.flags.has('json')) ctx.stdout(jsonOut({ forwards: rows }));
    else if (rows.length === 0) ctx.stdout('No managed forwards.\n');
    else
      ctx.stdout(
        `${table(
          ['ID', 'HOST', 'REMOTE', 'LOCAL', 'STATE'],
          rows.map((r) => [String(r.id), r.alias, String(r.remote), r.local, r.status]),
        )}\n`,
      );
    return 0;
  },
};

/** `harbormaster hosts`: the concrete hosts of the user's ssh config. */
export const hostsCommand: CliCommand = {
  name: 'hosts',
  summary: 'list the hosts of your ssh config (for --host ALIAS)',
  usage: HOSTS_USAGE,
  async run(args, ctx) {
    const parsed = commandArgs(ctx.stderr, HOSTS_USAGE, args, { flags: ['json'] }, { name: 'hosts' });
    if (parsed === null) return 2;
    const cfg = sshConfigOf(ctx);
    const found = discoverHosts(cfg.file, cfg.home, readTextOrNull, expandGlob);
    if (parsed.flags.has('json')) ctx.stdout(jsonOut({ config: cfg.file, ...found }));
    else {
      if (found.hosts.length === 0) ctx.stdout(`No concrete Host entries in ${cfg.file}.\n`);
      for (const h of found.hosts) ctx.stdout(`${h.alias}\n`);
      for (const r of found.refused) ctx.stderr(`Skipped Host ${JSON.stringify(r.name)}: ${r.reason}\n`);
    }
    return 0;
  },
};
