import { sanitizeText } from './text.js';

/** What the bytes a server sent before we said anything tell about it. */
export interface BannerInfo {
  /** The recognised protocol ("SSH", "MySQL", …), when recognised. */
  readonly protocol?: string;
  /** The first line (or version string), sanitized and capped. */
  readonly banner: string;
  /** Extra detail worth a tooltip (e.g. a MySQL error sent instead of a greeting). */
  readonly detail?: string;
}

const FTP_PORTS = new Set([20, 21, 990]);
const SMTP_PORTS = new Set([25, 465, 587, 2525]);

/**
 * Recognises a server-first ("NULL probe") banner the way nmap does before sending anything: SSH,
 * FTP/SMTP (`220`), POP3 (`+OK`), IMAP (`* OK`), a MySQL/MariaDB greeting or error packet, VNC
 * (`RFB`), IRC notices. `port` only breaks the FTP/SMTP tie. Anything else is reported as an
 * unrecognised banner: a server that speaks first is not an HTTP server either way.
 * See https://nmap.org/book/vscan-technique.html.
 */
export function recogniseBanner(bytes: Uint8Array, port: number): BannerInfo {
  const mysql = recogniseMysql(bytes);
  if (mysql) return mysql;
  // Banners are ASCII in practice; UTF-8 with replacement characters keeps anything else readable.
  const text = Buffer.from(bytes).toString('utf8');
  const firstLine = sanitizeText(text.split(/\r?\n/, 1)[0] ?? '');
  if (text.startsWith('SSH-')) return { protocol: 'SSH', banner: firstLine };
  if (/^220[ -]/.test(text)) {
    const lower = firstLine.toLowerCase();
    const protocol = lower.includes('ftp')
      ? 'FTP'
      : lower.includes('smtp') || lower.includes('mail')
        ? 'SMTP'
        : FTP_PORTS.has(port)
          ? 'FTP'
          : SMTP_PORTS.has(port)
            ? 'SMTP'
            : 'FTP or SMTP';
    return { protocol, banner: firstLine };
  }
  if (text.startsWith('+OK')) return { protocol: 'POP3', banner: firstLine };
  if (/^\* (OK|PREAUTH|BYE)/.test(text)) return { protocol: 'IMAP', banner: firstLine };
  if (/^RFB \d{3}\.\d{3}/.test(text)) return { protocol: 'VNC', banner: firstLine };
  if (/^:\S+ NOTICE /.test(text)) return { protocol: 'IRC', banner: firstLine };
  if (bytes[0] === 0xff && bytes.length >= 3 && (bytes[1] ?? 0) >= 0xfb) {
    return {
      protocol: 'Telnet',
      banner: sanitizeText(
        Buffer.from(bytes)
          .toString('latin1')
          .replace(/\xff[\xfb-\xfe]./g, ''),
      ),
    };
  }
  return { banner: firstLine || `${bytes.length} bytes of binary data` };
}

/**
 * A MySQL/MariaDB server greets first with a packet: 3-byte little-endian length, sequence 0, then
 * protocol version 10 and a NUL-terminated version string (or an 0xFF error packet, e.g. "Host is
 * blocked"). https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html
 */
function recogniseMysql(bytes: Uint8Array): BannerInfo | null {
  if (bytes.length < 6) return null;
  const length = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8) | ((bytes[2] ?? 0) << 16);
  if (bytes[3] !== 0 || length < 2 || length > 0xffff) return null;
  const kind = bytes[4];
  const payload = Buffer.from(bytes.subarray(5, Math.min(bytes.length, 4 + length)));
  if (kind === 0x0a) {
    const nul = payload.indexOf(0);
    if (nul <= 0) return null;
    const version = payload.subarray(0, nul).toString('latin1');
    if (!/^\d+\.\d+/.test(version)) return null;
    const protocol = /mariadb/i.test(version) ? 'MariaDB' : 'MySQL';
    return { protocol, banner: sanitizeText(`${protocol} ${version.replace(/^5\.5\.5-/, '')}`) };
  }
  if (kind === 0xff && payload.length >= 2) {
    // Error packet: 2-byte code, then the message (no SQL state before the handshake).
    const code = payload.readUInt16LE(0);
    const message = sanitizeText(
      payload
        .subarray(2)
        .toString('latin1')
        .replace(/^#[0-9A-Z]{5}/, ''),
    );
    return {
      protocol: 'MySQL',
      banner: `MySQL error ${code}`,
      detail: `MySQL refused the connection: ${message}`,
    };
  }
  return null;
}
