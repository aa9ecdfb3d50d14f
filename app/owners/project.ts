import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Project } from '../model/listener.js';

const MARKERS: readonly { file: string; kind: Project['kind'] }[] = [
  { file: 'package.json', kind: 'node' },
  { file: 'pyproject.toml', kind: 'python' },
  { file: 'go.mod', kind: 'go' },
  { file: 'Cargo.toml', kind: 'rust' },
];

/** Reads a project name from a marker file's text (falls back to the folder name). */
export function projectNameFrom(kind: Project['kind'], text: string, root: string): string {
  let name: string | undefined;
  try {
    if (kind === 'node') {
      const j = JSON.parse(text) as { name?: unknown };
      if (typeof j.name === 'string') name = j.name;
    } else if (kind === 'go') {
      name = /^module\s+(\S+)/m.exec(text)?.[1]?.split('/').at(-1);
    } else {
      // pyproject [project] / [tool.poetry] name, Cargo [package] name: the first `name = "…"`.
      name = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(text)?.[1];
    }
  } catch {
    name = undefined;
  }
  const clean = (name ?? basename(root)).replace(/[\p{Cc}]/gu, '').slice(0, 100);
  return clean.length > 0 ? clean : basename(root);
}

/**
 * Finds the project a working directory belongs to: the nearest ancestor (up to 8 levels, never
 * the filesystem root or a home directory itself) holding package.json, pyproject.toml, go.mod or
 * Cargo.toml. Results are cached per directory for `ttlMs`.
 */
export function createProjectFinder(ttlMs = 60_000, now: () => number = Date.now) {
  const cache = new Map<string, { at: number; project: Project | null }>();
  return function findProject(cwd: string | null): Project | null {
    if (!cwd || !cwd.startsWith('/')) return null;
    const hit = cache.get(cwd);
    if (hit && now() - hit.at < ttlMs) return hit.project;
    let project: Project | null = null;
    let dir = cwd;
    for (
      let depth = 0;
      depth < 8 && dir !== '/' && !/^\/(home|Users)\/[^/]+$/.test(dir) && dir !== '/root';
      depth += 1
    ) {
      for (const m of MARKERS) {
        const file = join(dir, m.file);
        try {
          if (!statSync(file).isFile()) continue;
          const text = readFileSync(file, 'utf8').slice(0, 65536);
          project = { name: projectNameFrom(m.kind, text, dir), root: dir, kind: m.kind };
          break;
        } catch {
          // not here
        }
      }
      if (project) break;
      dir = dirname(dir);
    }
    cache.set(cwd, { at: now(), project });
    if (cache.size > 2000) cache.clear();
    return project;
  };
}
