import { describeSent } from '../../health/sent.js';
import type { Health } from '../../model/health.js';
import type { Listener } from '../../model/listener.js';
import { formatHealth, formatOwner, jsonOut, listenerJson, table } from '../format.js';
import type { CliCommand } from '../types.js';
import { EXIT_REFUSED, describeSocket, listenersFor, parsePortCommand, printError } from './port-target.js';

const USAGE = `Usage: harbormaster check <port> [--json]

Probes every listener on <port> now and prints its health: HTTP/HTTPS status, title and
latency for web servers; the banner or protocol for others (SSH, Redis, PostgreSQL…); refused
or timeout when it does not answer. Probes connect to the exact bound address (never resolve
localhost) and send no HTTP to databases and other never-HTTP services.
  <port>    1–65535 (also :3000, localhost:3000, 127.0.0.1:3000, [::1]:3000)
  --json    print [{"listener": …, "health": …}] (or {"error": …})
Exit codes:
  0  every probed listener answered. Listeners that are not probed (UDP, or skipped by the
     probe policy) are shown as "not probed" and never count as a failure; a port held only
     by such listeners also exits 0.
  1  at least one probed listener was refused, timed out or failed, or the check itself failed
  2  bad input
  3  nothing listens on <port>`;

/** "Not probed" (UDP, or skipped by policy) is not a failure; every probed listener must answer. */
function isPass(health: Health): boolean {
  return health.state === 'up' || health.state === 'unknown';
}

/** `harbormaster check <port>`. */
export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'probe the listener(s) on port N now and print their health',
  usage: USAGE,
  async run(args, ctx) {
    const parsed = parsePortCommand('check', args, ctx, USAGE);
    if (typeof parsed === 'number') return parsed;
    const { query, json } = parsed;
    const service = await ctx.service({ ports: [query.port] });
    const holders = listenersFor((await service.getSnapshot()).listeners, query);
    if (holders.length === 0) {
      printError(ctx, json, {
        code: 'NOT_IN_SNAPSHOT',
        message: `Nothing is listening on port ${query.port}.`,
      });
      return EXIT_REFUSED;
    }
    const results: { listener: Listener; health: Health | null; error: string | null }[] = [];
    for (const listener of holders) {
      const r = await service.checkHealth({ listenerId: listener.id });
      results.push(
        r.ok
          ? { listener, health: r.value, error: null }
          : { listener, health: null, error: r.error.message },
      );
    }
    if (json) {
      ctx.stdout(
        jsonOut(
          results.map((r) => ({ listener: listenerJson(r.listener), health: r.health, error: r.error })),
        ),
      );
    } else {
      const rows = results.map((r) => [
        describeSocket(r.listener),
        `${formatOwner(r.listener.owner)}${r.listener.owner.pid !== null ? ` (pid ${r.listener.owner.pid})` : ''}`,
        r.health ? formatHealth(r.health) : `not checked: ${r.error ?? ''}`,
        r.health ? describeSent(r.health) : '',
      ]);
      ctx.stdout(`${table(['SOCKET', 'OWNER', 'HEALTH', 'SENT'], rows)}\n`);
    }
    return results.every((r) => r.health !== null && isPass(r.health)) ? 0 : 1;
  },
};
