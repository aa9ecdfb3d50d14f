import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG_TEXT, unsafeCodePoints } from '../testing/bad-input.js';

// Issue 9 item 3, end to end: a real process whose name (comm), argv[0] and arguments carry an
// ESC CSI colour, an OSC 0 title … BEL, U+202E and a 10 kB string, and whose HTTP title is hostile
// too. Every CLI command that prints an owner runs as the installed command, on a
// real pty (`script` from util-linux, with onlcr off so the terminal adds no \r of its own) and in
// a pipe. No byte 0x00–0x1F other than \n/\t, no C1 (U+0080–U+009F), no bidi or zero-width
// character may come out, on stdout or stderr.
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/harbormaster.js', import.meta.url));
const hasScript = spawnSync('script', ['--version']).status === 0;

const COMM = '\u001b[31mevil\u0007';
const HOSTILE_CODE = `
const fs = require('fs');
fs.writeFileSync('/proc/self/comm', ${JSON.stringify(COMM)});
// (Node refuses control characters in a header value, so only the title is hostile.)
const s = require('http').createServer((q, r) => r.end('<title>\\u001b[31mT\\u202eitle\\u0007</title>'));
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
setInterval(() => {}, 1 << 30);
`;

interface Hostile {
  readonly pid: number;
  readonly port: number;
  readonly child: ChildProcess;
}

function startHostile(): Promise<Hostile> {
  const child = spawn(
    process.execPath,
    ['-e', HOSTILE_CODE, '\u001b]0;pwned\u0007', 'gpj.\u202eexe', '\u2066x\u2069\u200b', LONG_TEXT],
    { argv0: COMM, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hostile process did not start')), 10_000);
    child.stdout?.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve({ pid: child.pid ?? 0, port: Number(String(d).trim()), child });
    });
  });
}

type Mode = 'pty' | 'pipe';

/** Runs the installed command; on the pty, `input` is typed after a pause (the prompt is up). */
function run(mode: Mode, args: readonly string[], input = ''): Promise<{ code: number; out: string }> {
  const env = { ...process.env, HARBORMASTER_OPENER: '/bin/true', NO_COLOR: '1' };
  const child =
    mode === 'pty'
      ? spawn(
          'script',
          ['-qec', `stty -onlcr; exec "${process.execPath}" "${bin}" ${args.join(' ')}`, '/dev/null'],
          {
            env,
            stdio: ['pipe', 'pipe', 'pipe'],
          },
        )
      : spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  if (input) setTimeout(() => child.stdin?.end(input), 4000);
  else if (mode === 'pipe') child.stdin?.end();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (mode === 'pty') child.stdin?.destroy();
      resolve({ code: code ?? -1, out });
    });
  });
}

function expectClean(out: string): void {
  // The user's own typed answer ("n") is echoed by the pty; everything else is ours.
  expect(unsafeCodePoints(out)).toEqual([]);
  expect(out).not.toContain(LONG_TEXT);
}

describe.runIf(process.platform === 'linux')('every CLI face over a hostile process name and argv', () => {
  let a: Hostile;
  let b: Hostile;
  beforeAll(async () => {
    if (!existsSync(built))
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test.');
    a = await startHostile();
    b = await startHostile();
  });
  afterAll(() => {
    for (const h of [a, b]) {
      try {
        if (h) process.kill(h.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  const modes: Mode[] = hasScript ? ['pipe', 'pty'] : ['pipe'];
  if (!hasScript) console.warn('skipped the pty runs: `script` (util-linux) is not installed');

  it.each(modes)(
    'list, list --health, who, check, open, free and serve print the owner cleanly (%s)',
    async (mode) => {
      const port = String(a.port);
      const commands: [string[], RegExp][] = [
        [['list', '--tcp'], /evil/],
        [['list', '--tcp', '--health'], /evil/],
        [['who', port], /evil/],
        [['check', port], /evil/],
        [['open', port], /Opened http:\/\/127\.0\.0\.1/],
        [['free', port], /evil/],
        [['serve', '--port', port, '--no-open'], /in use by evil/],
      ];
      for (const [args, shows] of commands) {
        const r = await run(mode, args);
        expect(r.out, args.join(' ')).toMatch(shows);
        expectClean(r.out);
      }
    },
    240_000,
  );

  it.each(modes)(
    '--json stays valid JSON: controls escaped, not dropped, and values capped (%s)',
    async (mode) => {
      const port = String(a.port);
      for (const args of [
        ['who', port, '--json'],
        ['check', port, '--json'],
        ['list', '--tcp', '--json'],
      ]) {
        const r = await run(mode, args);
        expectClean(r.out);
        const text = JSON.stringify(JSON.parse(r.out));
        // The real name comes back intact once parsed: JSON escaped it.
        expect(text).toContain(JSON.stringify(COMM).slice(1, -1));
        expect(text).toContain('gpj.\u202eexe');
        expect(text).not.toContain(LONG_TEXT);
      }
    },
    120_000,
  );

  it.runIf(hasScript)(
    'kill shows its prompt cleanly on a pty, and answering no signals nothing',
    async () => {
      const r = await run('pty', ['kill', String(a.port)], 'n\n');
      expect(r.out).toMatch(/Stop evil \(pid \d+\) with SIGTERM\? \[y\/N\]/);
      expect(r.out).toContain('Cancelled; nothing was signalled.');
      expectClean(r.out);
      expect(existsSync(`/proc/${a.pid}`)).toBe(true);
    },
    60_000,
  );

  it.each(modes)(
    'kill --yes reports the result cleanly (%s)',
    async (mode) => {
      const target = mode === 'pipe' ? a : b;
      const r = await run(mode, ['kill', String(target.port), '--yes']);
      expect(r.out).toMatch(/evil/);
      expectClean(r.out);
    },
    60_000,
  );
});
