/** Longest untrusted string (banner, title, server header) a probe reports. */
export const MAX_TEXT_LENGTH = 200;

// C0/C1 controls and DEL, plus invisible formatting that can reorder or hide text: bidi embeddings
// and overrides (U+202A–U+202E, the "Trojan Source" trick), isolates (U+2066–U+2069), marks,
// zero-width characters and the BOM. See docs/SECURITY.md#untrusted-text.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const WHITESPACE = /[\s\u00A0]+/g;

/**
 * Makes an untrusted string safe to show as one line of text: control and bidi characters removed,
 * whitespace (including newlines) collapsed to single spaces, trimmed, and capped at `max`
 * characters with an ellipsis.
 */
export function sanitizeText(text: string, max = MAX_TEXT_LENGTH): string {
  const clean = text.replace(UNSAFE, '').replace(WHITESPACE, ' ').trim();
  if (clean.length <= max) return clean;
  // Do not cut a surrogate pair in half.
  let cut = max - 1;
  const code = clean.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${clean.slice(0, cut)}…`;
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
