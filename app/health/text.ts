import { cleanText } from '../model/clean-text.js';

/** Longest untrusted string (banner, title, server header) a probe reports. */
export const MAX_TEXT_LENGTH = 200;

/**
 * Makes an untrusted string safe to show as one line of text: the one cleaner (cleanText) with
 * whitespace, newlines included, collapsed to single spaces, trimmed, and capped at `max`.
 */
export function sanitizeText(text: string, max = MAX_TEXT_LENGTH): string {
  return cleanText(text, { max, collapse: true });
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  middot: '·',
  bull: '•',
  times: '×',
  deg: '°',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
};

/**
 * Decodes HTML character references: the common named ones and every numeric one. Invalid code
 * points (0, surrogates, beyond U+10FFFF) become U+FFFD, as the HTML spec does; unknown names stay
 * as written.
 */
export function decodeEntities(text: string): string {
  return text.replace(
    /&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g,
    (whole, ref: string) => {
      if (ref.startsWith('#')) {
        const hex = ref[1] === 'x' || ref[1] === 'X';
        const code = Number.parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
        if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
          return '\uFFFD';
        }
        return String.fromCodePoint(code);
      }
      return NAMED_ENTITIES[ref] ?? NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    },
  );
}

/**
 * The text of the first `<title>` in an HTML document (or the part of one we read): tags removed,
 * entities decoded, whitespace collapsed, control characters stripped, capped. Undefined when there
 * is no title or it is empty. Never interprets the markup beyond that.
 */
export function extractTitle(html: string): string | undefined {
  const open = /<title(?:\s[^>]*)?>/i.exec(html);
  if (!open) return undefined;
  const start = open.index + open[0].length;
  const close = html.slice(start).search(/<\/title\s*>/i);
  // A title cut off by the read cap still names the page; take what arrived (bounded).
  const raw = html.slice(start, close >= 0 ? start + close : start + 4 * MAX_TEXT_LENGTH);
  const text = sanitizeText(decodeEntities(raw.replace(/<[^>]*>/g, ' ')));
  return text === '' ? undefined : text;
}
