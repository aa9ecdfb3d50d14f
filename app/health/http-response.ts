/** The head of an HTTP/1.x response, parsed leniently from raw bytes. */
export interface HttpHead {
  readonly status: number;
  /** Lower-case header names; the first value wins. */
  readonly headers: ReadonlyMap<string, string>;
  /** Byte offset where the body starts; -1 when the head is not complete in the bytes given. */
  readonly bodyStart: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/\d(?:\.\d)? ([1-9]\d\d)(?: |\r|$)/;

/** True when bytes start like an HTTP/1.x response (`HTTP/1.1 200`). */
export function looksLikeHttp(bytes: Uint8Array): boolean {
  return /^HTTP\/\d/.test(Buffer.from(bytes.subarray(0, 8)).toString('latin1'));
}

/** True when bytes start like a TLS record: handshake (`\x16\x03`) or alert (`\x15\x03`). */
export function looksLikeTls(bytes: Uint8Array): boolean {
  return (bytes[0] === 0x16 || bytes[0] === 0x15) && bytes[1] === 0x03;
}

/**
 * Parses a response head. Interim 1xx responses (100 Continue, 103 Early Hints) are skipped.
 * Returns null when the bytes do not (yet) hold a status line. With a status line but no complete
 * head (the head was cut by the read cap), `bodyStart` is -1 and `headers` holds what arrived.
 */
export function parseHttpHead(bytes: Buffer): HttpHead | null {
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset, 'latin1');
    const firstLine = bytes.subarray(offset, lineEnd < 0 ? bytes.length : lineEnd).toString('latin1');
    const m = STATUS_LINE.exec(firstLine);
    if (!m) return null;
    const status = Number.parseInt(m[1] ?? '0', 10);
    const end = bytes.indexOf(HEAD_END, offset);
    const headText = bytes.subarray(offset, end < 0 ? bytes.length : end).toString('latin1');
    if (status >= 100 && status < 200 && status !== 101) {
      if (end < 0) return null;
      offset = end + HEAD_END.length;
      continue;
    }
    const headers = new Map<string, string>();
    for (const line of headText.split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
    }
    return { status, headers, bodyStart: end < 0 ? -1 : end + HEAD_END.length };
  }
}

/** A body as far as it arrived, and whether it is complete. */
export interface HttpBody {
  readonly body: Buffer;
  readonly complete: boolean;
}

/**
 * The body after `head` in `bytes`: de-chunked for `Transfer-Encoding: chunked`, cut at
 * `Content-Length`, otherwise everything so far (complete only when the peer closed).
 */
export function readHttpBody(bytes: Buffer, head: HttpHead, peerClosed: boolean): HttpBody {
  if (head.bodyStart < 0) return { body: Buffer.alloc(0), complete: peerClosed };
  const raw = bytes.subarray(head.bodyStart);
  if (head.status === 204 || head.status === 304) return { body: Buffer.alloc(0), complete: true };
  const transfer = head.headers.get('transfer-encoding')?.toLowerCase() ?? '';
  if (transfer.includes('chunked')) {
    const { body, complete } = dechunk(raw);
    return { body, complete: complete || peerClosed };
  }
  const lengthText = head.headers.get('content-length');
  if (lengthText !== undefined && /^\d{1,15}$/.test(lengthText)) {
    const length = Number.parseInt(lengthText, 10);
    return { body: raw.subarray(0, length), complete: raw.length >= length || peerClosed };
  }
  return { body: raw, complete: peerClosed };
}

/** Decodes as much of a chunked body as has arrived. */
export function dechunk(raw: Buffer): HttpBody {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset, 'latin1');
    if (lineEnd < 0) break;
    const sizeText = raw.subarray(offset, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) break;
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = lineEnd + 2;
    const chunk = raw.subarray(start, start + size);
    parts.push(chunk);
    if (chunk.length < size) break;
    offset = start + size + 2;
  }
  return { body: Buffer.concat(parts), complete: false };
}

/** Decodes a body as text using the charset of its Content-Type (UTF-8 when absent or unknown). */
export function bodyText(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
