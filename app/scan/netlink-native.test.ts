import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNetlinkLister } from './netlink-diag.js';
import { nativeBinaryPath, openNativeNetlink } from './netlink-native.js';

// Issue 14 item 2: the sock_diag socket is opened on netlink's binary directly, without the
// package's node-gyp-build loader; the package's own raw layer stays the fallback. Both must list
// the same sockets, and the binary must be the one node-gyp-build would pick.

const load = createRequire(import.meta.url);
const packageDir = dirname(load.resolve('netlink/package.json'));
const native = process.platform === 'linux' ? openNetlinkLister() : null;
const viaPackage = process.platform === 'linux' ? openNetlinkLister({ via: 'package' }) : null;
if (process.platform === 'linux' && (!native || !viaPackage)) {
  console.log('skipped: the netlink module does not load here');
}

describe('where the netlink binary is looked for', () => {
  it('is the file node-gyp-build resolves for this install, and it opens a socket', () => {
    if (process.platform !== 'linux') return;
    const ngb = load(load.resolve('node-gyp-build', { paths: [packageDir] })) as {
      resolve(dir: string): string;
    };
    expect(nativeBinaryPath(packageDir)).toBe(ngb.resolve(packageDir));
    // NETLINK_SOCK_DIAG: the lister's socket is the direct one, not the fallback.
    const socket = openNativeNetlink(load, 4, 32 * 1024);
    expect(socket).not.toBeNull();
    socket?.close();
  });

  it('prefers a binary built from source, then the prebuilt one of this arch, else none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-netlink-layout-'));
    try {
      expect(nativeBinaryPath(dir)).toBeNull();
      mkdirSync(join(dir, 'prebuilds', 'linux-x64'), { recursive: true });
      writeFileSync(join(dir, 'prebuilds', 'linux-x64', 'node.napi.node'), '');
      expect(nativeBinaryPath(dir, 'x64')).toBe(join(dir, 'prebuilds', 'linux-x64', 'node.napi.node'));
      expect(nativeBinaryPath(dir, 'riscv64')).toBeNull();
      mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
      writeFileSync(join(dir, 'build', 'Release', 'netlink_binding.node'), '');
      expect(nativeBinaryPath(dir, 'riscv64')).toBe(join(dir, 'build', 'Release', 'netlink_binding.node'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!native || !viaPackage)('the direct binding and the package’s raw layer', () => {
  const servers: Server[] = [];
  beforeAll(async () => {
    for (const host of ['127.0.0.1', '::1', '0.0.0.0']) {
      for (let i = 0; i < 20; i += 1) {
        const s = createServer();
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(0, host, () => resolve());
        }).catch(() => undefined);
        servers.push(s);
      }
    }
  });
  afterAll(() => {
    for (const s of servers) s.close();
    native?.close();
    viaPackage?.close();
  });

  it('list the same listening sockets, several dumps in a row', async () => {
    const ours = new Set(
      servers.filter((s) => s.listening).map((s) => (s.address() as { port: number }).port),
    );
    expect(ours.size).toBeGreaterThanOrEqual(40);
    const mine = (list: readonly { port: number; address: string; inode: string }[]) =>
      list
        .filter((s) => ours.has(s.port))
        .map((s) => `${s.address} ${s.port} ${s.inode}`)
        .sort();
    for (let round = 0; round < 3; round += 1) {
      const [a, b] = await Promise.all([
        (native as NonNullable<typeof native>).list(),
        (viaPackage as NonNullable<typeof viaPackage>).list(),
      ]);
      expect(mine(a)).toHaveLength(ours.size);
      expect(mine(a)).toEqual(mine(b));
    }
  });
});
