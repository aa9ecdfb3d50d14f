import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeToolOutput } from './decode-output.js';
import { parseLsofF } from './parse-lsof.js';
import { parseMacosNetstat } from './parse-netstat-macos.js';
import { parseProcNet } from './parse-proc-net.js';
import { parseSs } from './parse-ss.js';
import type { ParsedListeners } from './parse-util.js';
import { parseNetstatAno, parseWindowsPowerShellScan } from './parse-windows.js';
import type { RawListener } from './types.js';

/**
 * The corpus: outputs recorded from real tools (fixtures/corpus/README.md says which) and
 * hand-typed lines for other platforms, each with the expected listeners in a .json beside it.
 * Every parser reads every file, plain and corrupted (CRLF, UTF-16LE with and without a BOM, a
 * UTF-8 BOM, truncation, interleaved warnings, NULs): no crash, never a wrong listener, and never
 * "garbage = empty".
 */
const ROOT = new URL('./fixtures/corpus/', import.meta.url);
const WRITE = process.env['HM_CORPUS_WRITE'] === '1';

type Parser = (text: string, file: string) => ParsedListeners;

/** procfs files carry their protocol and family in the name (`…-tcp6.txt`). */
const procfs: Parser = (text, file) => {
  const m = /-(tcp|udp)(6?)\.txt$/.exec(file);
  const r = parseProcNet(text, m?.[1] === 'udp' ? 'udp' : 'tcp', m?.[2] === '6' ? 6 : 4);
  const listeners: RawListener[] = r.sockets.map((s) => ({
    protocol: s.protocol,
    family: s.family,
    address: s.address,
    port: s.port,
    socketId: s.inode,
    uid: s.uid,
    pid: null,
    processName: null,
  }));
  return { listeners, skipped: r.skipped, ...(r.unrecognized ? { unrecognized: r.unrecognized } : {}) };
};

/** `<platform>/<tool>` → the parser that reads it. */
const PARSERS: Record<string, Parser> = {
  'linux/ss': (t) => parseSs(t),
  'linux/lsof': (t) => parseLsofF(t),
  'linux/procfs': procfs,
  'wsl/procfs': procfs,
  'macos/lsof': (t) => parseLsofF(t),
  'macos/netstat': (t) => parseMacosNetstat(t),
  'windows/netstat': (t) => parseNetstatAno(t),
  'windows/powershell': (t) => parseWindowsPowerShellScan(t),
};

interface Entry {
  readonly name: string;
  readonly parser: Parser;
  readonly bytes: Buffer;
  readonly jsonPath: URL;
}

const entries: Entry[] = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(new URL(`${d.name}/`, ROOT))
      .filter((f) => f.endsWith('.txt'))
      .map((f) => {
        const parser = PARSERS[`${d.name}/${f.split('-')[0] ?? ''}`];
        if (!parser) throw new Error(`no parser for corpus file ${d.name}/${f}`);
        return {
          name: `${d.name}/${f}`,
          parser,
          bytes: readFileSync(new URL(`${d.name}/${f}`, ROOT)),
          jsonPath: new URL(`${d.name}/${f.replace(/\.txt$/, '.json')}`, ROOT),
        };
      }),
  );

/** One listener as a line; the inode only when the tool printed one. */
const key = (l: RawListener): string =>
  `${l.protocol}${l.family ?? '?'} ${l.address} ${l.port} pid=${l.pid ?? '-'}`;
const full = (l: RawListener): string => `${key(l)}${l.socketId === null ? '' : ` ino=${l.socketId}`}`;

type Verdict = 'failed' | 'empty' | 'listed';
/** What the tool scanner makes of a parse (tool-scanner.ts): the user sees "scan failed" or a list. */
const verdict = (p: ParsedListeners): Verdict =>
  p.unrecognized || (p.listeners.length === 0 && p.skipped > 0)
    ? 'failed'
    : p.listeners.length === 0
      ? 'empty'
      : 'listed';

/**
 * No listener the original does not have. An inode may go missing, never change; a family may
 * become unknown (`*`) when the evidence for it was cut away, never the other family.
 */
function expectSubset(got: readonly RawListener[], expected: readonly string[], label: string): void {
  for (const l of got) {
    if (l.family === null) {
      const wild = l.address === '*' ? ['0.0.0.0', '::'] : [l.address];
      const found = expected.some((e) =>
        wild.some(
          (a) =>
            e.startsWith(`${l.protocol}4 ${a} ${l.port} pid=${l.pid ?? '-'}`) ||
            e.startsWith(`${l.protocol}6 ${a} ${l.port} pid=${l.pid ?? '-'}`) ||
            e.startsWith(`${l.protocol}? ${l.address} ${l.port} pid=${l.pid ?? '-'}`),
        ),
      );
      expect(found, `${label}: unexpected listener ${full(l)}`).toBe(true);
      continue;
    }
    const ok =
      expected.includes(full(l)) ||
      (l.socketId === null && expected.some((e) => e.startsWith(`${key(l)} `) || e === key(l)));
    expect(ok, `${label}: unexpected listener ${full(l)}`).toBe(true);
  }
}

const utf16 = (s: string, bom: boolean): Buffer =>
  Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, 'utf16le')]);

describe('corpus of recorded tool output', () => {
  it('holds files for every platform', () => {
    const platforms = new Set(entries.map((e) => e.name.split('/')[0]));
    expect([...platforms].sort()).toEqual(['linux', 'macos', 'windows', 'wsl']);
    expect(entries.length).toBeGreaterThanOrEqual(25);
  });

  describe.each(entries)('$name', ({ name, parser, bytes, jsonPath }) => {
    const text = decodeToolOutput(bytes);
    const parsed = parser(text, name);
    if (WRITE) {
      writeFileSync(
        jsonPath,
        `${JSON.stringify({ listeners: parsed.listeners.map(full).sort(), skipped: parsed.skipped, unrecognized: parsed.unrecognized?.kind ?? null }, null, 1)}\n`,
      );
    }
    const expected = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
      listeners: string[];
      skipped: number;
      unrecognized: string | null;
    };
    const isEmptyTable = expected.listeners.length === 0 && expected.skipped === 0 && !expected.unrecognized;
    const variant = (label: string, data: Buffer | string): ParsedListeners => {
      const out = parser(decodeToolOutput(data), name);
      expect(Array.isArray(out.listeners), label).toBe(true);
      expectSubset(out.listeners, expected.listeners, `${name} ${label}`);
      return out;
    };

    it('reads as the expected listener list', () => {
      expect(existsSync(jsonPath)).toBe(true);
      expect(parsed.listeners.map(full).sort()).toEqual(expected.listeners);
      expect(parsed.skipped).toBe(expected.skipped);
      expect(parsed.unrecognized?.kind ?? null).toBe(expected.unrecognized);
    });

    it('reads the same through CRLF, UTF-16LE (with and without BOM) and a UTF-8 BOM', () => {
      const plain = text;
      for (const [label, data] of [
        ['CRLF', Buffer.from(plain.replace(/\n/g, '\r\n'), 'utf8')],
        ['UTF-16LE+BOM', utf16(plain, true)],
        ['UTF-16LE', utf16(plain, false)],
        ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plain, 'utf8')])],
        ['UTF-16LE+BOM CRLF', utf16(plain.replace(/\n/g, '\r\n'), true)],
      ] as const) {
        if (plain === '' && label.startsWith('UTF-16LE')) continue; // no bytes to tell by
        const out = variant(label, data);
        expect(out.listeners.map(full).sort(), label).toEqual(expected.listeners);
        expect(verdict(out), label).toBe(verdict(parsed));
      }
    });

    it('never turns a truncated copy into "nothing listening"', () => {
      if (bytes.length === 0) return;
      for (const fraction of [0.1, 0.33, 0.5, 0.77, 0.97]) {
        const cut = Math.max(1, Math.floor(text.length * fraction));
        const truncated = text.slice(0, cut);
        if (truncated.endsWith('\n')) continue; // a cut at a line end is indistinguishable from the whole
        const out = variant(`cut at ${cut}`, truncated);
        if (!isEmptyTable) expect(verdict(out), `cut at ${cut}`).not.toBe('empty');
      }
    });

    it('survives warnings interleaved between lines, and NULs inside lines', () => {
      const lines = text.split('\n');
      const warned = lines
        .flatMap((l, i) => (i % 2 === 1 ? ['WARNING: something went wrong here (stat failed)', l] : [l]))
        .join('\n');
      const out = variant('warnings', warned);
      if (!isEmptyTable) expect(verdict(out), 'warnings').not.toBe('empty');
      const nulled = lines
        .map((l, i) =>
          i % 3 === 2 && l.length > 4 ? `${l.slice(0, l.length >> 1)}\0${l.slice(l.length >> 1)}` : l,
        )
        .join('\n');
      const nul = variant('NULs', nulled);
      if (!isEmptyTable) expect(verdict(nul), 'NULs').not.toBe('empty');
    });

    it('is never read as "nothing listening" by the parser of another tool', () => {
      if (text.trim() === '') return;
      for (const [id, other] of Object.entries(PARSERS)) {
        if (other === parser) continue;
        const out = other(text, name);
        expect(verdict(out), `${id} reading ${name}`).not.toBe('empty');
      }
    });
  });
});
