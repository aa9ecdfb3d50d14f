/** How a listener was found to answer. */
export type UpKind = 'http' | 'https' | 'tcp' | 'banner' | 'redis' | 'postgres';

/** TLS details when a listener spoke TLS. */
export interface TlsInfo {
  /** True when the certificate is self-signed or not trusted by the system store. */
  readonly selfSigned: boolean;
  /** Why the certificate is not trusted (e.g. "self-signed certificate"), when it is not. */
  readonly note?: string;
  readonly subject?: string;
  readonly validTo?: string;
}

/** The listener answered. */
export interface HealthUp {
  readonly state: 'up';
  readonly kind: UpKind;
  readonly checkedAt: number;
  readonly latencyMs: number;
  /** HTTP status code, for http/https. */
  readonly status?: number;
  /** The page `<title>`, text only, for http/https. */
  readonly title?: string;
  /** The `Server` header, for http/https. */
  readonly server?: string;
  /** Where a redirect points; reported, never followed off the same host:port. */
  readonly redirect?: string;
  readonly tls?: TlsInfo;
  /** First line the server sent before we said anything (SSH, SMTP, FTP, MySQL greeting…). */
  readonly banner?: string;
  /** A protocol recognised from the banner or a protocol probe ("SSH", "Redis", "PostgreSQL"…). */
  readonly protocol?: string;
  /** Extra detail worth a tooltip ("Redis requires a password", "PostgreSQL refuses SSL"). */
  readonly detail?: string;
  /** What the probe wrote, in order ({@link ProbeSent}); absent on results not made by a probe. */
  readonly sent?: readonly ProbeSent[];
}

/**
 * What a probe wrote to a listener: nothing at all for connect + banner (an empty list), else an
 * HTTP request, a TLS ClientHello, Redis `PING` or a PostgreSQL SSLRequest. `check` prints it, and
 * `open` uses it to tell "never asked over HTTP" from "asked and it did not answer HTTP".
 */
export type ProbeSent = 'http-get' | 'tls-client-hello' | 'redis-ping' | 'postgres-ssl-request';

/**
 * The health of one listener. `unknown` means never probed (or not probed by policy), `checking`
 * means a probe is in flight.
 */
export type Health =
  | { readonly state: 'unknown'; readonly reason?: string }
  | { readonly state: 'checking'; readonly since: number }
  | HealthUp
  | { readonly state: 'refused'; readonly checkedAt: number; readonly latencyMs: number }
  | {
      readonly state: 'timeout';
      readonly checkedAt: number;
      readonly latencyMs: number;
      readonly detail?: string;
      readonly sent?: readonly ProbeSent[];
    }
  | {
      readonly state: 'error';
      readonly checkedAt: number;
      readonly code: string;
      readonly message: string;
      readonly sent?: readonly ProbeSent[];
    };

/** The state of a listener that has not been probed. */
export const UNKNOWN_HEALTH: Health = { state: 'unknown' };
