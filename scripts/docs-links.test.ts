import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Someone who clones the repository must be able to follow every document a comment cites and
 * every path a document names. This test reads the comments of every source file (through the
 * TypeScript scanner, so strings and regular expressions are not mistaken for comments) and the
 * links and code spans of the Markdown documents, and fails on each one that leads nowhere.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['app', 'main', 'renderer', 'e2e', 'scripts'];
const SOURCE_EXT = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs']);
/** Build output and tools' folders: never cited, never part of a clone. */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'release', 'reports', 'test-results', 'fixtures']);

function walk(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) || e.name.startsWith('.') ? [] : walk(full, keep);
    return keep(full) ? [full] : [];
  });
}

/** Every comment of a source text, with its 1-based line. */
function commentsOf(text: string, fileName: string): { line: number; text: string }[] {
  const kind = fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const seen = new Set<number>();
  const out: { line: number; text: string }[] = [];
  const take = (pos: number, end: number): void => {
    if (seen.has(pos)) return;
    seen.add(pos);
    out.push({ line: sf.getLineAndCharacterOfPosition(pos).line + 1, text: text.slice(pos, end) });
  };
  const visit = (node: ts.Node): void => {
    ts.forEachLeadingCommentRange(text, node.getFullStart(), take);
    ts.forEachTrailingCommentRange(text, node.getEnd(), take);
    // Tokens are children too (getChildren), so comments before `}` or `)` are found as well.
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
  return out.sort((a, b) => a.line - b.line);
}

/** The `.md` files a comment cites (`docs/SECURITY.md#kill-pipeline`), URLs excluded. */
function citedDocuments(comment: string): { path: string; anchor: string | null }[] {
  const withoutUrls = comment.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
  const out: { path: string; anchor: string | null }[] = [];
  for (const m of withoutUrls.matchAll(
    /(?<![\w/.-])((?:\.{1,2}\/)*[\w.-]+(?:\/[\w.-]+)*\.md)(?:#([\w-]+))?/g,
  )) {
    out.push({ path: m[1] ?? '', anchor: m[2] ?? null });
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown text's headings (outside fenced code), duplicates numbered like GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = headingSlug(m[1] ?? '');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Resolves a cited path inside the repository (from the citing file's folder, then the root). */
function resolveInRepo(cited: string, fromDir: string): string | null {
  for (const base of [fromDir, ROOT]) {
    const full = resolve(base, cited);
    const rel = relative(ROOT, full);
    if (rel.startsWith('..') || rel.split(sep)[0] === 'node_modules') continue;
    if (existsSync(full)) return full;
  }
  return null;
}

/** Why a citation leads nowhere, or null when it leads to an existing file (and heading). */
function problemWith(cited: string, anchor: string | null, fromDir: string): string | null {
  const target = resolveInRepo(cited, fromDir);
  if (target === null) return `${cited} is not in the repository`;
  if (anchor !== null && statSync(target).isFile() && extname(target) === '.md') {
    if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) return `${cited} has no heading #${anchor}`;
  }
  return null;
}

const rel = (file: string): string => relative(ROOT, file).split(sep).join('/');

function sourceFiles(): string[] {
  const roots = SOURCE_DIRS.flatMap((d) => walk(join(ROOT, d), (f) => SOURCE_EXT.has(extname(f))));
  const configs = readdirSync(ROOT).filter((f) => /\.config\.(ts|js|mjs|cjs)$/.test(f));
  return [...roots, ...configs.map((f) => join(ROOT, f))];
}

function markdownFiles(): string[] {
  const top = readdirSync(ROOT)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, f));
  const docs = walk(join(ROOT, 'docs'), (f) => f.endsWith('.md'));
  const readmes = SOURCE_DIRS.flatMap((d) => walk(join(ROOT, d), (f) => f.endsWith(`${sep}README.md`)));
  return [...top, ...docs, ...readmes];
}

/** Links (`[text](target)`) and path-like code spans (`app/scan/types.ts`) of a Markdown text. */
function referencesOf(markdown: string): { line: number; target: string; kind: 'link' | 'path' }[] {
  const out: { line: number; target: string; kind: 'link' | 'path' }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    if (fenced) return;
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g))
      out.push({ line: i + 1, target: m[1] ?? '', kind: 'link' });
    for (const m of text.matchAll(/`([^`\s]+)`/g)) {
      const span = m[1] ?? '';
      // A repository path: at least one slash, no globs or placeholders, not absolute.
      if (/^[\w@.-]+(?:\/[\w@.-]+)+\/?$/.test(span)) out.push({ line: i + 1, target: span, kind: 'path' });
    }
  });
  return out;
}

/**
 * Documents that also name paths that no longer exist, on purpose: docs/LIBRARIES.md's "Was" column
 * records the hand-written file a library replaced. Their links are still checked.
 */
const RECORDS_FORMER_PATHS = new Set(['docs/LIBRARIES.md']);

/** Folders that exist only after a build or a run: named in documents, never part of a clone. */
const GENERATED = /^(dist|node_modules|release|reports|test-results|playwright-report)\//;

// Citations that lead nowhere, assembled at run time: written out whole, they would themselves be
// dangling citations to anyone (or any tool) reading this file.
const OUTSIDE = ['..', 'shared', 'design', 'STYLE' + '.md'].join('/');
const NOWHERE = 'nowhere' + '.md';
// A research note that lives outside the repository (assembled, so this file cites nothing).
const RESEARCH = ['research', 'security' + '.md'].join('/');

describe('documents cited by code comments', () => {
  it('finds comments, not strings or regular expressions, and reads each citation', () => {
    const sample = [
      `const s = 'see ${NOWHERE}';`,
      'const r = /gone\\.md/;',
      `// Policy: docs/SECURITY.md#kill-pipeline and ${OUTSIDE} #5.`,
      '/** https://github.com/o/r/blob/main/README.md is a URL, not a file here. */',
      `const x = 1; /* trailing ${RESEARCH} §3 */`,
    ].join('\n');
    const cited = commentsOf(sample, 'sample.ts').flatMap((c) =>
      citedDocuments(c.text).map((d) => ({ line: c.line, ...d })),
    );
    expect(cited).toEqual([
      { line: 3, path: 'docs/SECURITY.md', anchor: 'kill-pipeline' },
      { line: 3, path: OUTSIDE, anchor: null },
      { line: 5, path: RESEARCH, anchor: null },
    ]);
  });

  it('tells a citation that leads somewhere from one that does not', () => {
    expect(problemWith('docs/SECURITY.md', 'kill-pipeline', ROOT)).toBeNull();
    expect(problemWith('docs/SECURITY.md', 'no-such-heading', ROOT)).toMatch(/no heading/);
    expect(problemWith(RESEARCH, null, join(ROOT, 'app'))).toMatch(/not in the repository/);
    // Outside the clone, even if the file exists on this machine.
    expect(problemWith(`../${OUTSIDE}`, null, join(ROOT, 'app'))).toMatch(/not in the repository/);
    expect(headingSlug('Browser mode (`harbormaster serve`)')).toBe('browser-mode-harbormaster-serve');
  });

  it('every .md file a comment in app/, main/, renderer/, e2e/, scripts/ or a config cites exists in the repository', () => {
    const problems: string[] = [];
    for (const file of sourceFiles()) {
      const text = readFileSync(file, 'utf8');
      // Parsing is the slow part: only files that mention a .md file at all are parsed.
      if (!text.includes('.md')) continue;
      for (const comment of commentsOf(text, file)) {
        for (const { path, anchor } of citedDocuments(comment.text)) {
          const problem = problemWith(path, anchor, dirname(file));
          if (problem) problems.push(`${rel(file)}:${comment.line}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('paths named by the documents', () => {
  it('reads links and path-like code spans, outside code blocks', () => {
    const md = [
      'See [the kill pipeline](SECURITY.md#kill-pipeline) in `app/actions/kill.ts`.',
      '```',
      '`not/checked.ts`',
      '```',
      '`text` `a b/c`',
    ].join('\n');
    expect(referencesOf(md)).toEqual([
      { line: 1, target: 'SECURITY.md#kill-pipeline', kind: 'link' },
      { line: 1, target: 'app/actions/kill.ts', kind: 'path' },
    ]);
  });

  it('every link and repository path in docs/*.md and the READMEs exists', () => {
    const problems: string[] = [];
    for (const file of markdownFiles()) {
      const dir = dirname(file);
      for (const ref of referencesOf(readFileSync(file, 'utf8'))) {
        if (ref.kind === 'link') {
          // Web links are not followed here; in-page anchors are checked against this file.
          if (/^[a-z][a-z0-9+.-]*:/i.test(ref.target)) continue;
          const [path = '', anchor = null] = ref.target.split('#') as [string, string?];
          const problem =
            path === ''
              ? anchorsOf(readFileSync(file, 'utf8')).has(anchor ?? '')
                ? null
                : `#${anchor ?? ''} is no heading of this file`
              : problemWith(decodeURI(path), anchor ?? null, dir);
          if (problem) problems.push(`${rel(file)}:${ref.line}: ${problem}`);
        } else {
          if (GENERATED.test(ref.target) || RECORDS_FORMER_PATHS.has(rel(file))) continue;
          // Only spans whose first folder exists (here or at the root) are paths; `text/plain` is not.
          const first = ref.target.split('/')[0] ?? '';
          if (!existsSync(join(dir, first)) && !existsSync(join(ROOT, first))) continue;
          const problem = problemWith(ref.target, null, dir);
          if (problem) problems.push(`${rel(file)}:${ref.line}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
