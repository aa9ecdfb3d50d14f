/**
 * The bad-input catalogue (research/security.md §8) shared by every face's tests, so each
 * parser, command and API is tried on the same hostile values.
 */

/** Port texts every face must reject with "port must be 1–65535". */
export const BAD_PORT_TEXTS: readonly string[] = [
  '619009',
  '0',
  '65536',
  '-1',
  '1.5',
  '0x50',
  '1e3',
  ' 80 ',
  '',
  '080',
  '+80',
  '８０',
  '80a',
  '80abc',
  'NaN',
  'Infinity',
];

/** Port references as typed (`host:port`, `[v6]:port`) that must be rejected the same way. */
export const BAD_PORT_QUERIES: readonly string[] = [...BAD_PORT_TEXTS, 'localhost:619009', '[::1]:0'];

/** Non-string port values an API might receive. */
export const BAD_PORT_VALUES: readonly unknown[] = [0, -1, 1.5, 65536, Number.NaN, null];
