import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeFor } from './content-types.js';

/** Largest file served (the renderer bundle is far smaller; a cap keeps a mistake from hurting). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** A file to send, or why not. */
export type StaticLookup =
  | { readonly kind: 'file'; readonly body: Buffer; readonly contentType: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'bad-request' };

/**
 * Maps a request path to a file strictly inside `root` (already a real path): percent-decoding is
 * checked, NUL bytes, backslashes, dot segments and dotfiles are refused, and the resolved real
 * path (after symlinks) must stay under `root`, so no traversal reaches the rest of the disk.
 */
export async function lookupStatic(root: string, requestPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return { kind: 'bad-request' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) {
    return { kind: 'bad-request' };
  }
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '.' || s === '..' || s.startsWith('.'))) return { kind: 'not-found' };
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const candidate = path.join(root, relative);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'not-found' };
  }
  const rel = path.relative(root, real);
  if (rel.length === 0 || rel.startsWith('..') || path.isAbsolute(rel)) return { kind: 'not-found' };
  try {
    const handle = await open(real, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return { kind: 'not-found' };
      const body = await handle.readFile();
      return { kind: 'file', body, contentType: contentTypeFor(real) };
    } finally {
      await handle.close();
    }
  } catch {
    return { kind: 'not-found' };
  }
}
