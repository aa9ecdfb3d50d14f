import { parsePort } from '../../model/port.js';
import { clean, formatEndpoint } from '../format.js';
import type { CliCommand } from '../types.js';
import type { HistoryEvent } from '../../history/types.js';
import { EXIT_USAGE, parseJsonCommand, printError } from './port-target.js';

const USAGE = `Usage: harbormaster history [PORT] [--since 1h] [--json]

Shows the port history: every listener that appeared, disappeared or changed owner, as seen by
the tray, serve and the CLI (kept 30 days or 50 MB).
  PORT        only this port (1–65535)
  --since D   only this recent: 30s, 15m, 1h, 2d (default: everything kept)
  --json      print {"coversFrom": …, "events": [...]}
Exit codes: 0 ok (also when nothing was recorded); 2 bad input.`;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30s`, `15m`, `1h`, `2d` into milliseconds; null when malformed. */
export function parseSince(text: string): number | null {
  const m = /^([1-9][0-9]{0,4})([smhd])$/.exec(text);
  return m?.[1] && m[2] ? Number(m[1]) * (UNITS[m[2]] ?? 0) : null;
}

function describe(e: HistoryEvent): string {
  const o = e.owner;
  const owner =
    o === null
      ? ''
      : o.kind === 'process'
        ? `${clean(o.name ?? '?', 40)} (pid ${o.pid ?? '?'}${o.project ? `, project ${clean(o.project, 40)}` : ''}) ${clean(o.command ?? '', 120)}`
        : `owner hidden (${clean(o.reason ?? 'unknown', 20)}${o.user ? `, ${clean(o.user, 32)}` : ''})`;
  const verb = e.event === 'open' ? 'opened' : e.event === 'close' ? 'closed' : 'new owner';
  const when = new Date(e.at).toISOString().replace('T', ' ').slice(0, 19);
  return `${when}  ${verb.padEnd(9)}  ${`${e.protocol}${e.family === 6 ? '6' : ''} ${formatEndpoint(e.address, e.port)}`.padEnd(28)}  ${owner}`.trimEnd();
}

/** `harbormaster history [PORT]`. */
export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'who held which port, and when (appearances, disappearances, owner changes)',
  usage: USAGE,
  async run(args, ctx) {
    const opening = parseJsonCommand(ctx, args, { flags: ['json'], options: ['since'] }, USAGE, {
      min: 0,
      max: 1,
      message: 'history takes at most one port (1–65535).',
    });
    if (!opening) return EXIT_USAGE;
    const { parsed, json } = opening;
    let port: number | null = null;
    if (parsed.positionals.length === 1) {
      const p = parsePort(parsed.positionals[0]);
      if (!p.ok) {
        printError(ctx, json, p.error);
        return EXIT_USAGE;
      }
      port = p.value;
    }
    const sinceText = parsed.options.get('since');
    const sinceMs = sinceText === undefined ? null : parseSince(sinceText);
    if (sinceText !== undefined && sinceMs === null) {
      printError(
        ctx,
        json,
        `--since must look like 30s, 15m, 1h or 2d, not ${JSON.stringify(sinceText.slice(0, 20))}.`,
      );
      return EXIT_USAGE;
    }
    if (ctx.env.HARBORMASTER_HISTORY === 'off') {
      const { HISTORY_OFF_NOTE } = await import('../../model/diagnosis.js');
      if (json)
        ctx.stdout(`${JSON.stringify({ coversFrom: null, events: [], note: HISTORY_OFF_NOTE }, null, 2)}\n`);
      else ctx.stdout(`${HISTORY_OFF_NOTE}\n`);
      return 0;
    }
    const { historySince } = await import('../../history/port-read.js');
    const { defaultHistoryDir, openHistoryStore } = await import('../../history/store.js');
    // Reads only the segments the port and the --since window need.
    const cutoff = sinceMs === null ? null : Date.now() - sinceMs;
    const h = historySince(openHistoryStore({ dir: defaultHistoryDir(ctx.env) }), port, cutoff);
    const events = h.events.filter((e) => port === null || e.port === port);
    if (json) {
      ctx.stdout(
        `${JSON.stringify({ coversFrom: h.coversFrom === null ? null : new Date(h.coversFrom).toISOString(), events }, null, 2)}\n`,
      );
      return 0;
    }
    const covers =
      h.coversFrom === null
        ? 'The port history is empty.'
        : `History since ${new Date(h.coversFrom).toISOString().replace('T', ' ').slice(0, 19)}.`;
    ctx.stdout(`${covers}\n`);
    if (events.length === 0)
      ctx.stdout(
        `Nothing recorded${port !== null ? ` for port ${port}` : ''}${sinceText ? ` in the last ${sinceText}` : ''}.\n`,
      );
    for (const e of events) ctx.stdout(`${describe(e)}\n`);
    return 0;
  },
};
