import { readdirSync, readFileSync } from 'node:fs';
import type { Family, Protocol } from '../model/listener.js';
import { compressIpv6, withScope } from './address.js';
import { openNativeNetlink, type RawSocket } from './netlink-native.js';
import type { ProcNetSocket } from './parse-proc-net.js';

// Linux uapi constants: linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h.
const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const AF_INET = 2;
const AF_INET6 = 10;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const TCP_LISTEN = 10;
const TCP_CLOSE = 7;
const NLMSG_HDRLEN = 16;
const INET_DIAG_MSG_LEN = 72;

/** One dump request: which family/protocol, and the kernel-side state filter. */
interface DumpSpec {
  readonly family: Family;
  readonly protocol: Protocol;
}

const DUMPS: readonly DumpSpec[] = [
  { family: 4, protocol: 'tcp' },
  { family: 6, protocol: 'tcp' },
  { family: 4, protocol: 'udp' },
  { family: 6, protocol: 'udp' },
];

/** Builds one `SOCK_DIAG_BY_FAMILY` dump request (nlmsghdr + inet_diag_req_v2). */
export function buildDumpRequest(spec: DumpSpec, seq: number): Buffer {
  const buf = Buffer.alloc(NLMSG_HDRLEN + 56);
  buf.writeUInt32LE(buf.length, 0);
  buf.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  buf.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  buf.writeUInt32LE(seq, 8);
  buf.writeUInt32LE(0, 12);
  buf.writeUInt8(spec.family === 4 ? AF_INET : AF_INET6, 16);
  buf.writeUInt8(spec.protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP, 17);
  // Kernel-side filter: established and TIME_WAIT sockets never reach us (docs/ARCHITECTURE.md#scanner-design).
  buf.writeUInt32LE(1 << (spec.protocol === 'tcp' ? TCP_LISTEN : TCP_CLOSE), 20);
  return buf;
}

/** Result of decoding one netlink datagram. */
export interface DecodedDiag {
  readonly sockets: ProcNetSocket[];
  readonly done: boolean;
  readonly error: number | null;
}

/** Interface name for an interface index (`2` → `eth0`), or null when there is none. */
export type InterfaceNamer = (index: number) => string | null;

/**
 * The interface names of this network namespace by index, read from `/sys/class/net/<name>/ifindex`
 * (Node has no if_indextoname). Read again when an index is missing, as interfaces come and go.
 */
export function createSysfsInterfaceNamer(root = '/sys/class/net'): InterfaceNamer {
  let names = new Map<number, string>();
  const load = (): void => {
    const next = new Map<number, string>();
    try {
      for (const name of readdirSync(root)) {
        try {
          const index = Number.parseInt(readFileSync(`${root}/${name}/ifindex`, 'utf8'), 10);
          if (Number.isInteger(index) && index > 0) next.set(index, name);
        } catch {
          // An interface that vanished mid-read: skip it.
        }
      }
    } catch {
      // No sysfs (a sandbox): no names; link-local addresses then show their index instead.
    }
    names = next;
  };
  return (index) => {
    if (!names.has(index)) load();
    return names.get(index) ?? null;
  };
}

/**
 * Decodes the `inet_diag_msg` records of one netlink datagram (several messages may be packed
 * in one). Ports are big-endian; addresses are network order. UDP sockets bound to port 0 are
 * dropped (not listeners). A link-local IPv6 bind keeps its interface (`fe80::1%eth0`) from the
 * message's `idiag_if`, named by `interfaceName`: without it the address cannot be reached.
 */
export function decodeDiagDatagram(
  buf: Buffer,
  protocol: Protocol,
  interfaceName: InterfaceNamer = () => null,
): DecodedDiag {
  const sockets: ProcNetSocket[] = [];
  let offset = 0;
  let done = false;
  let error: number | null = null;
  while (offset + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(offset);
    const type = buf.readUInt16LE(offset + 4);
    if (len < NLMSG_HDRLEN || offset + len > buf.length) break;
    if (type === NLMSG_DONE) {
      done = true;
    } else if (type === NLMSG_ERROR) {
      error = len >= NLMSG_HDRLEN + 4 ? -buf.readInt32LE(offset + NLMSG_HDRLEN) : -1;
      done = true;
    } else if (type === SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + INET_DIAG_MSG_LEN) {
      const m = offset + NLMSG_HDRLEN;
      const af = buf.readUInt8(m);
      const family: Family = af === AF_INET6 ? 6 : 4;
      const port = buf.readUInt16BE(m + 4);
      // inet_diag_sockid.idiag_if: the device the socket is bound to (host byte order), 0 for none.
      const ifIndex = buf.readUInt32LE(m + 40);
      const uid = buf.readUInt32LE(m + 64);
      const inode = buf.readUInt32LE(m + 68);
      if (!(protocol === 'udp' && port === 0) && inode !== 0) {
        sockets.push({
          protocol,
          family,
          address: withScope(formatAddress(buf, m + 8, family), ifIndex, interfaceName),
          port,
          uid,
          inode: String(inode),
        });
      }
    }
    offset += (len + 3) & ~3;
  }
  return { sockets, done, error };
}

// Listening addresses repeat (0.0.0.0, ::, ::1, a LAN address): formatting each socket's address
// afresh was a third of a steady-state scan at 1000 listeners, so the text is cached by its bytes.
const v4Text = new Map<number, string>();
const v6Text = new Map<string, string>();

/**
 * The text of the address at `buf[at…]` (idiag_src: 4 bytes for IPv4, 16 for IPv6). Read in place:
 * a subarray per socket was a Buffer object per socket per poll (issue 14 item 4).
 */
function formatAddress(buf: Buffer, at: number, family: Family): string {
  if (family === 4) {
    const key = buf.readUInt32BE(at);
    let text = v4Text.get(key);
    if (text === undefined) {
      text = `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
      if (v4Text.size >= 4096) v4Text.clear();
      v4Text.set(key, text);
    }
    return text;
  }
  // The wildcard and loopback need no lookup at all.
  let zeros = true;
  for (let i = 0; i < 15; i += 1) {
    if (buf[at + i] !== 0) {
      zeros = false;
      break;
    }
  }
  if (zeros && buf[at + 15] === 0) return '::';
  if (zeros && buf[at + 15] === 1) return '::1';
  const key = buf.toString('hex', at, at + 16);
  let text = v6Text.get(key);
  if (text === undefined) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(at + i).toString(16));
    text = compressIpv6(groups.join(':'));
    if (v6Text.size >= 4096) v6Text.clear();
    v6Text.set(key, text);
  }
  return text;
}

/** Receive buffer per datagram: the kernel's largest dump datagram is just under 32 KB. */
const DUMP_BUFFER_BYTES = 32 * 1024;

/** Lists listeners through NETLINK_SOCK_DIAG; one dump at a time on one socket (a second concurrent dump gets EBUSY). */
export interface NetlinkLister {
  list(timeoutMs?: number): Promise<ProcNetSocket[]>;
  close(): void;
}

type RawNetlinkModule = { RawNetlinkSocket: new (protocol: number, options?: object) => RawSocket };

/**
 * A require for this module: the CommonJS bundle's own (dist/cli), else one made for the ESM
 * build (dist/app, vitest). The bundle's own skips node:module and the ESM loader parts it pulls
 * in, ~1–2 ms of every CLI cold start (issue 14 item 2); both resolve from this file's folder up.
 */
function moduleRequire(): NodeJS.Require {
  return typeof require === 'function'
    ? require
    : process.getBuiltinModule('node:module').createRequire(import.meta.url);
}

/**
 * Only the raw socket layer of `netlink`: its index also evaluates the generated rtnetlink,
 * nl80211, genl and WireGuard codecs, which cost ~40 ms of a CLI's cold start and are never used
 * here. Falls back to the package index if a future layout moves the file.
 */
function loadRawNetlink(load: NodeJS.Require): RawNetlinkModule {
  try {
    return load('netlink/dist/raw.js') as RawNetlinkModule;
  } catch {
    return load('netlink') as RawNetlinkModule;
  }
}

/**
 * Opens a sock_diag socket using the optional npm `netlink` N-API module: its binary directly
 * (netlink-native.ts), else through the package's raw layer (`via: 'package'` forces that, for
 * tests). Returns null (never throws) when the module or its prebuilt binary cannot load here,
 * so callers fall back to procfs.
 */
export function openNetlinkLister(options: { via?: 'native' | 'package' } = {}): NetlinkLister | null {
  if (process.platform !== 'linux') return null;
  let socket: RawSocket;
  try {
    const load = moduleRequire();
    // One 32 KB read per datagram instead of a peek and a read: the kernel sizes dump datagrams
    // by the largest buffer the reader offered (capped at 32 KB), so 5000 listeners arrive in
    // ~15 datagrams instead of ~120, each one N-API call and Buffer (issue 14 item 4).
    socket =
      (options.via === 'package' ? null : openNativeNetlink(load, NETLINK_SOCK_DIAG, DUMP_BUFFER_BYTES)) ??
      new (loadRawNetlink(load).RawNetlinkSocket)(NETLINK_SOCK_DIAG, {
        messagePeeking: false,
        msgBufferSize: DUMP_BUFFER_BYTES,
      });
    socket.unref();
  } catch {
    return null;
  }
  let seq = 1;
  let closed = false;
  const interfaceName = createSysfsInterfaceNamer();
  const dumpOne = (spec: DumpSpec, timeoutMs: number): Promise<ProcNetSocket[]> =>
    new Promise((resolve, reject) => {
      const mySeq = (seq = (seq + 1) % 0x7fffffff);
      const out: ProcNetSocket[] = [];
      const timer = setTimeout(() => finish(new Error('netlink dump timed out')), timeoutMs);
      const onMessage = (msg: Buffer) => {
        if (msg.length >= 12 && msg.readUInt32LE(8) !== mySeq) return;
        const d = decodeDiagDatagram(msg, spec.protocol, interfaceName);
        out.push(...d.sockets);
        if (d.error !== null && d.error !== 0) finish(new Error(`netlink error ${d.error}`));
        else if (d.done) finish(null);
      };
      const onError = (e: Error) => finish(e);
      // A datagram larger than the buffer (never expected: the kernel caps them below 32 KB) is
      // a failed dump, never a silently shorter list: the scanner then reads /proc/net instead.
      const onTruncated = () => finish(new Error('netlink datagram truncated'));
      const finish = (e: Error | null) => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        socket.off('error', onError);
        socket.off('truncatedMessage', onTruncated);
        // Settle outside the native read callback: promise reactions (the whole snapshot pipeline
        // after a scan) would otherwise run inside it, where an exception from any of them aborts
        // the process in the addon (C++ std::terminate) instead of reaching Node's handlers.
        setImmediate(() => (e ? reject(e) : resolve(out)));
      };
      socket.on('message', onMessage);
      socket.on('error', onError);
      socket.on('truncatedMessage', onTruncated);
      socket.send(buildDumpRequest(spec, mySeq), {}, (e) => {
        if (e) finish(e);
      });
    });
  return {
    async list(timeoutMs = 2000) {
      if (closed) throw new Error('netlink lister closed');
      const all: ProcNetSocket[] = [];
      for (const spec of DUMPS) all.push(...(await dumpOne(spec, timeoutMs)));
      return all;
    },
    close() {
      if (!closed) {
        closed = true;
        socket.close();
      }
    },
  };
}
