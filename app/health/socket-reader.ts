import { monotonicMs } from '../watch/clock.js';
import type { Socket } from 'node:net';
import { isIP } from '../scan/ip-literal.js';
import type { Duplex } from 'node:stream';

/** Most bytes a probe reads from one connection (docs/SECURITY.md#probe-policy: 64 KB cap). */
export const READ_CAP_BYTES = 64 * 1024;

/** How a TCP connect attempt ended. */
export type ConnectOutcome =
  | { readonly kind: 'connected'; readonly socket: Socket; readonly latencyMs: number }
  | { readonly kind: 'refused'; readonly latencyMs: number }
  | { readonly kind: 'timeout'; readonly latencyMs: number }
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly latencyMs: number };

/**
 * Opens one TCP connection to an IP literal (never a host name: nothing is resolved) and waits at
 * most until `deadlineAt` (a `monotonicMs()` time). Nagle is off so small probes go out at once.
 */
export function connectTcp(host: string, port: number, deadlineAt: number): Promise<ConnectOutcome> {
  const started = monotonicMs();
  const elapsed = (): number => Math.round(monotonicMs() - started);
  if (isIP(host) === 0) {
    return Promise.resolve({
      kind: 'error',
      code: 'EINVAL',
      message: `${host} is not an IP address`,
      latencyMs: 0,
    });
  }
  return new Promise((resolve) => {
    // node:net loads with the first probe, not with every command (cold start, issue 14 item 2).
    const socket = process.getBuiltinModule('node:net').connect({ host, port, noDelay: true });
    const timer = setTimeout(
      () => {
        socket.destroy();
        resolve({ kind: 'timeout', latencyMs: elapsed() });
      },
      Math.max(0, deadlineAt - started),
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Errors after connect are seen by the reader; keep one handler so none is ever unhandled.
      socket.on('error', () => undefined);
      resolve({ kind: 'connected', socket, latencyMs: elapsed() });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (e.code === 'ECONNREFUSED') resolve({ kind: 'refused', latencyMs: elapsed() });
      else resolve({ kind: 'error', code: e.code ?? 'EUNKNOWN', message: e.message, latencyMs: elapsed() });
    });
  });
}

/** Why {@link SocketReader.wait} returned. */
export type WaitOutcome = 'match' | 'closed' | 'time' | 'cap';

/**
 * Collects what a peer sends, up to a byte cap, and lets a probe wait for "enough" with a deadline.
 * Once the cap is reached the stream is paused: an endless body costs at most `cap` bytes.
 */
export class SocketReader {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private closedFlag = false;
  private errorCode: string | null = null;
  private wake: (() => void) | null = null;
  private readonly onData = (chunk: Buffer): void => {
    const room = this.cap - this.length;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.length += part.length;
    if (this.length >= this.cap) this.stream.pause();
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.closedFlag = true;
    this.notify();
  };
  private readonly onError = (e: NodeJS.ErrnoException): void => {
    this.errorCode = e.code ?? 'EUNKNOWN';
    this.closedFlag = true;
    this.notify();
  };

  constructor(
    private readonly stream: Duplex,
    private readonly cap = READ_CAP_BYTES,
  ) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** Everything received so far (at most `cap` bytes). */
  bytes(): Buffer {
    if (this.chunks.length > 1) {
      const all = Buffer.concat(this.chunks);
      this.chunks.length = 0;
      this.chunks.push(all);
    }
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** Number of bytes received so far. */
  get received(): number {
    return this.length;
  }

  /** True once the peer closed (or reset) the connection. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** The socket error code (e.g. ECONNRESET) when the connection failed after connecting. */
  get error(): string | null {
    return this.errorCode;
  }

  /** True once `cap` bytes arrived. */
  get capped(): boolean {
    return this.length >= this.cap;
  }

  /**
   * Resolves when `done(bytes)` holds, the peer closes, the cap is reached, or `untilAt`
   * (a `monotonicMs()` time) passes — whichever comes first.
   */
  wait(done: (bytes: Buffer) => boolean, untilAt: number): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): boolean => {
        let outcome: WaitOutcome | null = null;
        if (this.length > 0 && done(this.bytes())) outcome = 'match';
        else if (this.capped) outcome = 'cap';
        else if (this.closedFlag) outcome = 'closed';
        else if (monotonicMs() >= untilAt) outcome = 'time';
        if (outcome === null) return false;
        if (timer) clearTimeout(timer);
        this.wake = null;
        resolve(outcome);
        return true;
      };
      // Timers may fire a little before monotonicMs() reaches untilAt: re-arm until it has.
      const arm = (): void => {
        timer = setTimeout(
          () => {
            if (!check()) arm();
          },
          Math.max(0, untilAt - monotonicMs()) + 1,
        );
      };
      if (check()) return;
      this.wake = () => void check();
      arm();
    });
  }

  /** Stops collecting (before the stream is handed to TLS, or when the probe ends). */
  detach(): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    this.wake = null;
  }

  private notify(): void {
    this.wake?.();
  }
}
