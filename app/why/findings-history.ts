// Findings from the port's past and its range: who held it before, an ephemeral port
// (split from findings.ts; the order of PRODUCERS is kept there).
import { endpoint, who, rememberedName, ago, clock, type Producer } from './findings-text.js';

export const history: Producer = (f, tcp) => {
  const s = f.story;
  if (!s) return null;
  const evidence: string[] = [];
  if (s.lastHolder) {
    evidence.push(
      `${rememberedName(s.lastHolder.owner)} held it until ${clock(s.lastHolder.until)}, ${ago(f.now - s.lastHolder.until)}`,
    );
  }
  if (s.flaps > 0)
    evidence.push(
      `${s.flaps} appearance${s.flaps === 1 ? '' : 's'}/disappearance${s.flaps === 1 ? '' : 's'} in the last hour`,
    );
  for (const m of s.movedTo)
    evidence.push(
      `the same program now listens on port ${m.port}: ${endpoint(m.listener.address, m.port)} ${who(m.listener)}`,
    );
  if (evidence.length === 0 || (tcp.length > 0 && !s.lastHolder)) return null;
  const moved = s.movedTo[0];
  return {
    id: 'history',
    likelihood: tcp.length > 0 ? 20 : moved ? 91 : 60,
    title: moved
      ? `It moved: the program that held port ${s.port} now listens on port ${moved.port}`
      : `History: ${evidence[0]}`,
    evidence,
    meaning: moved
      ? 'The server restarted on another port (a dynamic or auto-incremented port).'
      : tcp.length > 0
        ? 'What held this port before the current holder.'
        : 'Something held this port before; it is gone now.',
    fix: moved
      ? [
          `Connect to ${f.target.isName ? f.target.host : endpoint(moved.listener.address, 0).replace(/:0$/, '')}:${moved.port}`,
        ]
      : tcp.length > 0
        ? []
        : ['Start that program again'],
  };
};

export const dynamicRange: Producer = (f, tcp) => {
  const { low, high, source } = f.range;
  const p = f.target.port;
  if (p < low || p > high || tcp.length > 0) return null;
  const moved = f.story?.movedTo ?? [];
  return {
    id: 'dynamic-range',
    likelihood: 45,
    title: `Port ${p} is in the dynamic range ${low}–${high}: such numbers are usually picked at random per run`,
    evidence: [
      `range from ${source}`,
      ...moved.map((m) => `the program that last held it now listens on ${m.port}`),
    ],
    meaning:
      'Test runners, language servers, debuggers and dev servers started with --port 0 get a new number each run, so a remembered number goes stale.',
    fix: [
      moved.length > 0
        ? `Use port ${moved.map((m) => m.port).join(' or ')}`
        : 'Look up the port the program prints when it starts (or `harbormaster list`)',
      'or give the server a fixed port outside this range',
    ],
  };
};
