import { urlForListener } from '../../actions/url.js';
import type { Listener } from '../../model/listener.js';
import type { CliCommand } from '../types.js';
import { EXIT_REFUSED, listenersFor, parsePortCommand, printError } from './port-target.js';
import { jsonOut } from '../format.js';

const USAGE = `Usage: harbormaster open <port> [--anyway] [--json]

Opens the service listening on <port> in your default browser, at the URL Harbormaster builds
from the socket itself: http://127.0.0.1:3000/ for IPv4, http://[::1]:8080/ for IPv6-only,
https://… when the probe finds TLS; wildcard binds open through loopback. Only what answers
HTTP is opened: a port no probe has asked over HTTP is probed first (a banner wait, then GET /).
UDP sockets and services that answer something else, hang up or stay silent (databases, SSH,
brokers…) are not opened; the reason says what the service answered.
  <port>    1–65535 (also :3000, localhost:3000, 127.0.0.1:3000, [::1]:3000)
  --anyway  open it even though it did not answer HTTP (you know better)
  --json    print {"url": …} (or {"error": …})
Environment: HARBORMASTER_OPENER=/absolute/path/to/program runs that program instead of the
platform opener (xdg-open, open, rundll32 url.dll), with the URL as its only argument.
Exit codes: 0 opened; 1 nothing to open (not a web service) or the opener failed; 2 bad input;
3 nothing listens there.`;

/** Which listener of a port to open: loopback/wildcard IPv4 first (every browser reaches it), then IPv6, then specific addresses. */
function preference(l: Listener): number {
  const v4 = l.family === 4 ? 0 : 1;
  const reach = l.exposure === 'specific' ? 2 : 0;
  return reach + v4;
}

/** `harbormaster open <port>`. */
export const openCommand: CliCommand = {
  name: 'open',
  summary: 'open the web service on port N in the browser (right scheme and address)',
  usage: USAGE,
  async run(args, ctx) {
    const parsed = parsePortCommand('open', args, ctx, USAGE, { flags: ['anyway'] });
    if (typeof parsed === 'number') return parsed;
    const { query, json, flags } = parsed;
    const anyway = flags.has('anyway');
    const service = await ctx.service({ ports: [query.port] });
    const holders = listenersFor((await service.getSnapshot()).listeners, query).filter(
      (l) => l.protocol === 'tcp',
    );
    if (holders.length === 0) {
      printError(ctx, json, {
        code: 'NOT_IN_SNAPSHOT',
        message: `Nothing is listening on TCP port ${query.port}.`,
      });
      return EXIT_REFUSED;
    }
    const candidates = [...holders].sort((a, b) => preference(a) - preference(b));
    const target = candidates.find((l) => urlForListener(l) !== null) ?? candidates[0];
    if (!target) return EXIT_REFUSED;
    // The service probes an unprobed listener first (on request) and refuses what is not HTTP.
    const result = await service.open(anyway ? { listenerId: target.id, anyway } : { listenerId: target.id });
    if (!result.ok) {
      const error =
        result.error.code === 'NOT_HTTP'
          ? { ...result.error, hint: `To open it regardless: harbormaster open ${target.port} --anyway` }
          : result.error;
      printError(ctx, json, error);
      return result.error.code === 'NOT_IN_SNAPSHOT' ? EXIT_REFUSED : 1;
    }
    ctx.stdout(json ? jsonOut(result.value) : `Opened ${result.value.url}\n`);
    return 0;
  },
};
