import type { LookupResult } from '../../model/actions.js';
import { clean, formatOwner, jsonOut, listenerJson } from '../format.js';
import type { CliCommand } from '../types.js';
import { describeSocket, parsePortCommand, printError } from './port-target.js';

const USAGE = `Usage: harbormaster free <port> [--json]

Says whether <port> is free: nothing is listed on it AND binding it works on TCP and UDP, IPv4
and IPv6 (so a listener Harbormaster cannot see still counts as taken). If it is not free, says
who holds it and suggests the next free port.
  <port>    1–65535 (also :3000 or localhost:3000)
  --json    print the lookup result (or {"error": …})
Exit codes: 0 free; 1 not free (or the check failed); 2 bad input.`;

/** Human lines for a lookup result. */
export function describeLookup(r: LookupResult): string[] {
  if (r.free) return [`Port ${r.port} is free.`];
  const lines: string[] = [];
  if (r.holders.length > 0) {
    lines.push(`Port ${r.port} is in use:`);
    for (const l of r.holders) {
      const o = l.owner;
      lines.push(`  ${describeSocket(l)}  ${formatOwner(o)}${o.pid !== null ? ` (pid ${o.pid})` : ''}`);
      if (o.kind === 'process' && o.command) lines.push(`    ${clean(o.command, 200)}`);
    }
  } else {
    const blocked = r.bindTests.filter((t) => !t.free);
    const why = blocked
      .map((t) => `${t.protocol}${t.family === 6 ? '6' : ''}: ${t.code ?? 'in use'}`)
      .join(', ');
    lines.push(
      blocked.length > 0 && blocked.every((t) => t.code === 'EACCES')
        ? `Nothing holds port ${r.port}, but binding it needs admin rights (${why}).`
        : `Port ${r.port} is in use by something Harbormaster cannot see, e.g. another user's process (${why}).`,
    );
  }
  lines.push(r.nextFree !== null ? `Next free port: ${r.nextFree}` : 'No free port found above it.');
  return lines;
}

/** `harbormaster free <port>`. */
export const freeCommand: CliCommand = {
  name: 'free',
  summary: 'is port N free? if not, who holds it and the next free port',
  usage: USAGE,
  async run(args, ctx) {
    const parsed = parsePortCommand('free', args, ctx, USAGE);
    if (typeof parsed === 'number') return parsed;
    const { query, json } = parsed;
    const service = await ctx.service({ ports: [query.port] });
    const result = await service.lookup({ port: query.port });
    if (!result.ok) {
      printError(ctx, json, result.error);
      return 1;
    }
    const r = result.value;
    if (json) ctx.stdout(jsonOut({ ...r, holders: r.holders.map(listenerJson) }));
    else ctx.stdout(`${describeLookup(r).join('\n')}\n`);
    return r.free ? 0 : 1;
  },
};
