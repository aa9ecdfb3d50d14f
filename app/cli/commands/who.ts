import { parsePortQuery } from '../../model/port.js';
import {
  clean,
  formatEndpoint,
  formatOwner,
  formatUptime,
  jsonOut,
  listenerJson,
  localViewer,
} from '../format.js';
import { unknownOwnerWords } from '../../model/unknown-owner-words.js';
import { parseArgs } from '../parse-args.js';
import { containerLine } from './container.js';
import type { Listener } from '../../model/listener.js';
import type { CliCommand, CliContext } from '../types.js';

const USAGE = `Usage: harbormaster who <port> [--json]

Says who holds a port (every protocol, family and address), or that it is free.
<port> is 1–65535, optionally written :3000, localhost:3000 or [::1]:3000.
Exit code: 0 when held, 3 when free, 2 for a bad port.`;

/** The held-port answer: each holder with its owner, command and container. */
function printHolders(port: number, holders: readonly Listener[], ctx: CliContext): void {
  ctx.stdout(`Port ${port} is held by:\n`);
  for (const l of holders) {
    const o = l.owner;
    const where = `${l.protocol}${l.family === 6 ? '6' : l.family === null ? '?' : ''} ${formatEndpoint(l.address, l.port)} (${l.exposure})`;
    if (o.kind === 'process') {
      ctx.stdout(
        `  ${formatOwner(o)} · pid ${o.pid} · ${clean(o.user ?? '?', 32)}${o.startedAt !== null ? ` · up ${formatUptime(o.startedAt)}` : ''} · ${where}\n    ${clean(o.command, 300)}\n`,
      );
      const container = containerLine(o);
      if (container) ctx.stdout(`    ${container}\n`);
    } else {
      ctx.stdout(
        `  ${formatOwner(o)}${o.pid !== null ? ` · pid ${o.pid}` : ''} · ${where}\n    ${clean(unknownOwnerWords(o, localViewer()).detail, 300)}\n`,
      );
    }
  }
}

/** `harbormaster who <port>`. */
export const whoCommand: CliCommand = {
  name: 'who',
  summary: 'who holds port N (or is it free?)',
  usage: USAGE,
  async run(args, ctx) {
    const parsed = parseArgs(args, { flags: ['json'] });
    if (!parsed.ok) {
      ctx.stderr(`${parsed.error}\n\n${USAGE}\n`);
      return 2;
    }
    if (parsed.positionals.length !== 1) {
      ctx.stderr(`who needs exactly one port (1–65535).\n\n${USAGE}\n`);
      return 2;
    }
    const query = parsePortQuery(parsed.positionals[0] ?? '');
    if (!query.ok) {
      ctx.stderr(`${query.error.message}\n`);
      return 2;
    }
    const service = await ctx.service({ ports: [query.value.port] });
    const json = parsed.flags.has('json');
    // A held port needs nothing but the scan: the bind tests and the next-free search of a lookup
    // (up to eight binds, and Node's IPv6 parser compiled for the v6 ones) are printed only when
    // the port looks free, or with --json (cold start, issue 14 item 2).
    if (!json) {
      const snapshot = await service.getSnapshot();
      const holders = snapshot.listeners.filter((l) => l.port === query.value.port);
      if (snapshot.status !== 'failed' && !snapshot.stale && holders.length > 0) {
        printHolders(query.value.port, holders, ctx);
        return 0;
      }
    }
    const result = await service.lookup({ port: query.value.port });
    if (!result.ok) {
      ctx.stderr(`${result.error.message}\n`);
      return 1;
    }
    const r = result.value;
    if (json) {
      ctx.stdout(jsonOut({ ...r, holders: r.holders.map(listenerJson) }));
      return r.holders.length > 0 ? 0 : 3;
    }
    if (r.holders.length === 0) {
      const blocked = r.bindTests.filter((t) => !t.free);
      if (r.free) ctx.stdout(`Port ${r.port} is free.\n`);
      else
        ctx.stdout(
          `Port ${r.port} is not listed by any listener, but binding it failed (${blocked.map((t) => `${t.protocol}${t.family === 6 ? '6' : ''}: ${t.code ?? 'in use'}`).join(', ')}).\n`,
        );
      if (r.nextFree !== null && r.nextFree !== r.port) ctx.stdout(`Next free port: ${r.nextFree}\n`);
      return 3;
    }
    printHolders(r.port, r.holders, ctx);
    return 0;
  },
};
