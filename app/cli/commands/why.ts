import { clean } from '../format.js';
import type { CliCommand } from '../types.js';
import { DEFAULT_WHY_TIMEOUT_MS } from '../../why/diagnose.js';
import type { Diagnosis } from '../../why/types.js';
import { EXIT_USAGE, parseJsonCommand, printError } from './port-target.js';

const USAGE = `Usage: harbormaster why TARGET [--json] [--timeout MS]

Says why a connection to TARGET fails (or that it works): first a one-line verdict, then the
findings, most likely first, each with what was measured, what it means and how to fix it.
  TARGET        PORT, HOST:PORT, [v6]:PORT or http(s)://HOST:PORT/path; HOST must be this
                machine (localhost, a loopback address or one of its own addresses)
  --json        print the diagnosis as JSON
  --timeout MS  how long to wait for a connection or an answer (default ${DEFAULT_WHY_TIMEOUT_MS})
Exit codes: 0 reachable and answers as asked; 1 not; 2 bad input.`;

/** `2026-12-02 14:02` in local time; toLocaleString would load ICU (~100 ms) in a 300 ms budget. */
function localMinute(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Renders a diagnosis for a terminal; every untrusted string passes through clean(). */
export function formatDiagnosis(d: Diagnosis): string {
  const lines = [clean(d.verdict, 300), ''];
  d.findings.forEach((f, i) => {
    lines.push(`${i + 1}. ${clean(f.title, 240)}`);
    for (const e of f.evidence) lines.push(`   measured: ${clean(e, 240)}`);
    lines.push(`   meaning:  ${clean(f.meaning, 300)}`);
    for (const fix of f.fix) lines.push(`   fix:      ${clean(fix, 240)}`);
    lines.push('');
  });
  const covers =
    d.historyNote !== null
      ? clean(d.historyNote, 300).replace(/\.$/, '')
      : d.historyFrom === null
        ? 'no port history yet'
        : `port history covers ${localMinute(d.historyFrom)} – now`;
  lines.push(`(${covers}; answered in ${d.elapsedMs} ms)`);
  return `${lines.join('\n')}\n`;
}

function parseTimeout(text: string | undefined): number | null {
  if (text === undefined) return DEFAULT_WHY_TIMEOUT_MS;
  if (!/^[1-9][0-9]{0,5}$/.test(text)) return null;
  const ms = Number(text);
  return ms <= 600_000 ? ms : null;
}

/** `harbormaster why TARGET`. */
export const whyCommand: CliCommand = {
  name: 'why',
  summary: 'why can’t I connect to PORT / HOST:PORT / URL? (verdict, then findings)',
  usage: USAGE,
  async run(args, ctx) {
    const opening = parseJsonCommand(ctx, args, { flags: ['json'], options: ['timeout'] }, USAGE, {
      min: 1,
      max: 1,
      message: 'why needs exactly one target: PORT, HOST:PORT, [v6]:PORT or a URL.',
    });
    if (!opening) return EXIT_USAGE;
    const { parsed, json } = opening;
    const timeoutMs = parseTimeout(parsed.options.get('timeout'));
    if (timeoutMs === null) {
      printError(ctx, json, '--timeout must be a whole number of milliseconds, 1–600000.');
      return EXIT_USAGE;
    }
    const { parseWhyTarget } = await import('../../why/target.js');
    const target = parseWhyTarget(parsed.positionals[0] ?? '');
    if (!target.ok) {
      printError(ctx, json, target.error);
      return EXIT_USAGE;
    }
    // The service's own `why`: the same history rule (HARBORMASTER_HISTORY=off included) and the
    // same engine facts (stopped containers) as the window's.
    const service = await ctx.service();
    const r = await service.why({ target: parsed.positionals[0] ?? '', timeoutMs });
    if (!r.ok) {
      printError(ctx, json, r.error.message);
      return EXIT_USAGE;
    }
    const d = r.value;
    if (json) ctx.stdout(`${JSON.stringify(d, null, 2)}\n`);
    else ctx.stdout(formatDiagnosis(d));
    return d.reachable ? 0 : 1;
  },
};
