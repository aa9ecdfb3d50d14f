import { urlForListener } from '../../actions/url.js';
import type { Listener } from '../../model/listener.js';
import type { CliCommand } from '../types.js';
import { EXIT_REFUSED, listenersFor, parsePortCommand, printError } from './port-target.js';
import { jsonOut } from '../format.js';

const USAGE = `Usage: harbormaster open <port> [--json]

Opens the service listening on <port> in your default browser, at the URL Harbormaster builds
from the socket itself: http://127.0.0.1:3000/ for IPv4, http://[::1]:8080/ for IPv6-only,
https://… when the probe finds TLS; wildcard binds open through loopback. It probes the port
first to learn http vs https. UDP sockets and services that do not speak HTTP (databases, SSH,
brokers…) are not opened.
  <port>    1–65535 (also :3000, localhost:3000, 127.0.0.1:3000, [::1]:3000)
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
    const parsed = parsePortCommand('open', args, ctx, USAGE);
    if (typeof parsed === 'number') return parsed;
    const { query, json } = parsed;
    const service = await ctx.service();
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
    // Probe on request so the URL gets the right scheme (https when the server speaks TLS).
    if (target.health.state === 'unknown' && urlForListener(target) !== null) {
      const checked = await service.checkHealth({ listenerId: target.id });
      // The service folds probe results into its snapshot asynchronously; `open` builds the URL
      // from the snapshot, so wait (briefly) until the result shows there.
      const deadline = Date.now() + 1000;
      while (checked.ok && checked.value.state !== 'unknown' && Date.now() < deadline) {
        const now = (await service.getSnapshot()).listeners.find((l) => l.id === target.id);
        if (!now || now.health.state !== 'unknown') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const result = await service.open({ listenerId: target.id });
    if (!result.ok) {
      printError(ctx, json, result.error);
      return result.error.code === 'NOT_IN_SNAPSHOT' ? EXIT_REFUSED : 1;
    }
    ctx.stdout(json ? jsonOut(result.value) : `Opened ${result.value.url}\n`);
    return 0;
  },
};
