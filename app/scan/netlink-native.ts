import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The `netlink` package's native socket, loaded without its JavaScript loader. `netlink/dist/raw.js`
 * finds its binary through node-gyp-build (~4 ms of every CLI cold start here: the loader itself,
 * then a directory walk and a package.json read, issue 14 item 2). The same two places
 * node-gyp-build looks in, in its order, are tried directly: `build/Release` (built from source
 * on install, where no prebuilt binary fits) and `prebuilds/linux-<arch>/node.napi.node` (the
 * prebuilt N-API binary the package ships). Anything else (a moved file, another layout, a
 * binary that does not load) returns null, and the caller loads raw.js as before.
 * netlink-native.test.ts runs a dump through both and compares.
 */

/** The native class raw.js wraps (netlink 0.3, src/binding.cc: `NativeNetlink`). */
interface NativeNetlink {
  bind(port: number, groups: number): void;
  send(port: number, groups: number, msg: Uint8Array, cb: (err?: Error) => void): void;
  close(): void;
  unref(): void;
}
type NativeBinding = {
  NativeNetlink: new (
    protocol: number,
    msgBufferSize: number,
    onMessage: (msg: Buffer, rinfo: { truncated?: number }) => void,
    onError: (err: Error) => void,
  ) => NativeNetlink;
};

/** What the sock_diag lister uses of a netlink socket (raw.js's `RawNetlinkSocket` has it too). */
export interface RawSocket {
  on(event: 'message' | 'truncatedMessage', cb: (msg: Buffer) => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
  off(event: 'message' | 'truncatedMessage', cb: (msg: Buffer) => void): unknown;
  off(event: 'error', cb: (err: Error) => void): unknown;
  send(msg: Uint8Array, options?: object, cb?: (err?: Error) => void): void;
  close(): void;
  unref(): void;
}

/** The binary node-gyp-build would pick for the package in `packageDir`, or null. */
export function nativeBinaryPath(packageDir: string, arch: string = process.arch): string | null {
  const built = join(packageDir, 'build', 'Release', 'netlink_binding.node');
  if (existsSync(built)) return built;
  const prebuilt = join(packageDir, 'prebuilds', `linux-${arch}`, 'node.napi.node');
  return existsSync(prebuilt) ? prebuilt : null;
}

/** raw.js's `RawNetlinkSocket`, for the part the lister uses. */
class NativeSocket extends EventEmitter implements RawSocket {
  readonly #native: NativeNetlink;
  constructor(binding: NativeBinding, protocol: number, msgBufferSize: number) {
    super();
    this.#native = new binding.NativeNetlink(
      protocol,
      msgBufferSize,
      (msg, rinfo) => this.emit(rinfo.truncated ? 'truncatedMessage' : 'message', msg),
      (err) => this.emit('error', err),
    );
    try {
      this.#native.bind(0, 0);
    } catch (e) {
      this.#native.close();
      throw e;
    }
  }
  send(msg: Uint8Array, _options?: object, cb?: (err?: Error) => void): void {
    this.#native.send(0, 0, msg, (err) => {
      if (cb) cb(err);
      else if (err !== undefined) this.emit('error', err);
    });
  }
  close(): void {
    this.#native.close();
  }
  unref(): void {
    this.#native.unref();
  }
}

/**
 * Opens a netlink socket of `protocol` on the native binding directly, bound to an address the
 * kernel picks (nl_pid 0), reading datagrams of up to `msgBufferSize` bytes; null when the binary
 * is not where node-gyp-build would find it or does not load.
 */
export function openNativeNetlink(
  load: NodeJS.Require,
  protocol: number,
  msgBufferSize: number,
): RawSocket | null {
  let binding: NativeBinding;
  try {
    const file = nativeBinaryPath(dirname(load.resolve('netlink/package.json')));
    if (file === null) return null;
    binding = load(file) as NativeBinding;
    if (typeof binding.NativeNetlink !== 'function') return null;
  } catch {
    return null;
  }
  return new NativeSocket(binding, protocol, msgBufferSize);
}
