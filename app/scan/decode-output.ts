/**
 * Turns the bytes an OS tool printed into text every parser can read, in one place, so no parser
 * has to know about encodings or line endings:
 * - a UTF-8 BOM is dropped; UTF-16LE (with a BOM, or without one but with a NUL after every ASCII
 *   byte, as `netstat` piped from PowerShell or a redirected `cmd /u` prints it) and UTF-16BE with
 *   a BOM are decoded as such;
 * - bytes that are not valid UTF-8 are read in the console (OEM) code page: code page 850 (the
 *   Western European OEM page, which German, French, Spanish, Italian and Portuguese Windows
 *   use) unless the caller names another WHATWG label (`shift_jis`, `ibm866`, …);
 * - `\r\n` (and the `\r\r\n` that cmd.exe pipes produce) become `\n`.
 * A NUL byte that is not UTF-16 is kept: `lsof -F0` separates its fields with NUL.
 */
export function decodeToolOutput(
  data: Uint8Array | string,
  options: { readonly legacyEncoding?: string } = {},
): string {
  const text = typeof data === 'string' ? data.replace(/^\uFEFF/, '') : decodeBytes(data, options);
  return normalizeLineEndings(text);
}

/** `\r\n`, `\r\r\n` → `\n`. A lone `\r` is left alone (it may be inside a process name). */
export function normalizeLineEndings(text: string): string {
  return text.includes('\r') ? text.replace(/\r+\n/g, '\n') : text;
}

function decodeBytes(bytes: Uint8Array, options: { readonly legacyEncoding?: string }): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return decodeUtf8OrLegacy(bytes.subarray(3), options);
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes.subarray(2), 'le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes.subarray(2), 'be');
  if (looksLikeUtf16le(bytes)) return utf16(bytes, 'le');
  return decodeUtf8OrLegacy(bytes, options);
}

/** Even length only: a cut-off last byte of UTF-16 is half a character, dropped. */
function utf16(bytes: Uint8Array, order: 'le' | 'be'): string {
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
  return new TextDecoder(order === 'le' ? 'utf-16le' : 'utf-16be').decode(even).replace(/^\uFEFF/, '');
}

/**
 * UTF-16LE without a BOM: nearly every odd byte NUL and nearly no even byte NUL (what ASCII text
 * looks like in UTF-16LE). `lsof -F0`'s NUL separators are far too sparse to pass.
 */
function looksLikeUtf16le(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return false;
  let oddNul = 0;
  let evenNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul += 1;
    if (bytes[i + 1] === 0) oddNul += 1;
  }
  const pairs = n / 2;
  // `lsof -F0` in UTF-16LE has a NUL pair per field, so up to ~30% of even bytes may be NUL.
  return oddNul >= pairs * 0.7 && evenNul <= pairs * 0.3;
}

function decodeUtf8OrLegacy(bytes: Uint8Array, options: { readonly legacyEncoding?: string }): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    if (options.legacyEncoding) {
      try {
        return new TextDecoder(options.legacyEncoding).decode(bytes);
      } catch {
        // an unknown label: fall back to code page 850 below
      }
    }
    return decodeCp850(bytes);
  }
}

/** Code page 850, bytes 0x80–0xFF (0x00–0x7F are ASCII). */
const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

function decodeCp850(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : (CP850_HIGH[b - 0x80] ?? '\uFFFD');
  return out;
}
