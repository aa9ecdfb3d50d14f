import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summariseSegment, type SegmentSummary } from './segment-scan.js';

/**
 * The per-segment port summary, cached beside a closed segment as `events-NNNNNNNN.ports.json`
 * so a question about one port reads only the segments that name it. A summary is a cache, never
 * the truth: it records the segment size it was made from, and a segment that grew since (a
 * writer's last append after another writer rotated) or a summary that cannot be read is simply
 * summarised again. Written to a temporary name and renamed, so a reader never sees half of one
 * and two readers writing the same summary at once leave one whole file.
 */

export function summaryFileFor(segment: string): string {
  return segment.replace(/\.jsonl$/, '.ports.json');
}

function isSummary(v: unknown): v is SegmentSummary {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.size === 'number' &&
    (s.first === null || typeof s.first === 'number') &&
    (s.last === null || typeof s.last === 'number') &&
    typeof s.checkpoint === 'boolean' &&
    typeof s.ports === 'string' &&
    s.ports.startsWith(',')
  );
}

/** The cached summary of a closed segment when it still matches `size`, else null. */
export function readCachedSummary(dir: string, segment: string, size: number): SegmentSummary | null {
  try {
    const v: unknown = JSON.parse(readFileSync(join(dir, summaryFileFor(segment)), 'utf8'));
    return isSummary(v) && v.size === size ? v : null;
  } catch {
    return null;
  }
}

/** Summarises a closed segment and caches the result; a failed write only costs the next reader. */
export function summariseAndCache(dir: string, segment: string, buf: Buffer): SegmentSummary {
  const summary = summariseSegment(buf);
  const tmp = join(dir, `.tmp-${process.pid}-${summaryFileFor(segment)}`);
  try {
    writeFileSync(tmp, JSON.stringify(summary), { mode: 0o600 });
    renameSync(tmp, join(dir, summaryFileFor(segment)));
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
  return summary;
}
