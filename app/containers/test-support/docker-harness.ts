import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private Docker daemon for the container tests (issue 10): its own data root, exec root,
 * pidfile, unix socket, containerd namespace and bridge (a /24 in 10.213.0.0/16 that no local
 * route uses), so it never touches a user's Docker. `--iptables=false`: the tests must not rewrite
 * the shared machine's firewall (Docker would set FORWARD to DROP); docker-proxy (or dockerd's own
 * port reservation with `--userland-proxy=false`) still holds the published port on the host.
 * The test image is built offline, `FROM scratch` plus Debian's static busybox. Everything is
 * named `hmtest-containers…`.
 */

/** Why the harness cannot run here (printed by the skipped tests). */
export type HarnessStart = { ok: true; harness: DockerHarness } | { ok: false; reason: string };

/** A container to run. */
export interface RunSpec {
  readonly name: string;
  /** busybox argv, e.g. `['httpd', '-f', '-p', '80', '-h', '/']` or `['sh', '-c', '…']`. */
  readonly cmd: readonly string[];
  /** `{ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] }`. */
  readonly ports?: Record<string, { HostIp: string; HostPort: string }[]>;
  readonly labels?: Record<string, string>;
  readonly restart?: 'no' | 'always' | 'unless-stopped';
}

/** A running private daemon. */
export interface DockerHarness {
  readonly socketPath: string;
  readonly daemonPid: number;
  readonly image: string;
  readonly userlandProxy: boolean;
  /** Creates and starts a container; returns its full id. */
  run(spec: RunSpec): Promise<string>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

const PREFIX = 'hmtest-containers';
export const TEST_IMAGE = `${PREFIX}-img:latest`;
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p)) ?? null;
const PATH = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${process.env['PATH'] ?? ''}`;

function which(cmd: string): string | null {
  for (const dir of PATH.split(':')) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return null;
}

/** A port free right now (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A minimal ustar archive (the /build context): regular files only. */
export function tarOf(files: readonly { name: string; data: Buffer; mode?: number }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, 'utf8');
    h.write(`${(f.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${f.data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
    );
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function call(
  socketPath: string,
  method: string,
  path: string,
  body?: Buffer | string,
  contentType = 'application/json',
  timeoutMs = 60_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path,
        method,
        timeout: timeoutMs,
        headers:
          body !== undefined
            ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }
            : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout on ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A /24 in 10.213.0.0/16 that no current route uses. */
function freeSubnet(): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  for (let i = 0; i < 50; i += 1) {
    const x = 1 + Math.floor(Math.random() * 250);
    if (!routes.includes(`10.213.${x}.`)) return `10.213.${x}`;
  }
  throw new Error('no free 10.213.x.0/24 subnet');
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Starts a private daemon (`userlandProxy` false: dockerd itself holds published ports). */
export async function startDockerHarness(options: { userlandProxy: boolean }): Promise<HarnessStart> {
  if (process.platform !== 'linux') return { ok: false, reason: 'dockerd runs only on Linux here' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'starting a private dockerd needs root' };
  const dockerd = which('dockerd');
  if (!dockerd) return { ok: false, reason: 'dockerd is not installed (Debian package docker.io)' };
  if (!which('docker-proxy') && options.userlandProxy)
    return { ok: false, reason: 'docker-proxy is not installed' };
  if (!BUSYBOX) return { ok: false, reason: 'busybox is not installed (Debian package busybox-static)' };

  const tag = options.userlandProxy ? 'p' : 'n';
  const root = mkdtempSync(join(tmpdir(), `${PREFIX}-${tag}-`));
  // Like /var/run: anyone may reach the socket file; the socket itself is root:docker 0660.
  chmodSync(root, 0o755);
  const socketPath = join(root, 'docker.sock');
  const bridge = `hmtc${tag}${Math.random().toString(16).slice(2, 8)}`; // ≤ 15 chars (IFNAMSIZ)
  let subnet: string;
  try {
    subnet = freeSubnet();
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
    execFileSync('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', bridge]);
    execFileSync('ip', ['link', 'set', bridge, 'up']);
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    return { ok: false, reason: `cannot create a bridge for the test daemon: ${(e as Error).message}` };
  }
  writeFileSync(join(root, 'daemon.json'), '{}');
  const args = [
    `--config-file=${join(root, 'daemon.json')}`,
    `--data-root=${join(root, 'data')}`,
    `--exec-root=${join(root, 'exec')}`,
    `--pidfile=${join(root, 'docker.pid')}`,
    `--host=unix://${socketPath}`,
    `--bridge=${bridge}`,
    '--iptables=false',
    '--ip6tables=false',
    '--ip-masq=false',
    '--storage-driver=vfs',
    `--userland-proxy=${options.userlandProxy}`,
    `--containerd-namespace=${PREFIX}-${tag}`,
    `--containerd-plugins-namespace=${PREFIX}-${tag}-plugins`,
    '--log-level=warn',
  ];
  const daemon: ChildProcess = spawn(dockerd, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PATH },
  });
  let log = '';
  daemon.stderr?.on('data', (c: Buffer) => {
    log = (log + c.toString('utf8')).slice(-4000);
  });
  const cleanup = async (): Promise<void> => {
    if (daemon.exitCode === null && daemon.pid !== undefined) {
      daemon.kill('SIGTERM');
      const exited = await waitFor(
        async () => daemon.exitCode !== null || daemon.signalCode !== null,
        20_000,
      );
      if (!exited) daemon.kill('SIGKILL');
    }
    try {
      execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  const up = await waitFor(
    async () => (await call(socketPath, 'GET', '/_ping', undefined, '', 1000)).status === 200,
    30_000,
  );
  if (!up || daemon.pid === undefined) {
    await cleanup();
    return { ok: false, reason: `dockerd did not start: ${log.trim().split('\n').slice(-3).join(' | ')}` };
  }
  const dockerfile = 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\n';
  const context = tarOf([
    { name: 'Dockerfile', data: Buffer.from(dockerfile) },
    { name: 'busybox', data: readFileSync(BUSYBOX), mode: 0o755 },
  ]);
  const built = await call(
    socketPath,
    'POST',
    `/build?t=${encodeURIComponent(TEST_IMAGE)}&rm=1`,
    context,
    'application/x-tar',
    120_000,
  );
  if (built.status !== 200 || built.body.includes('"error"')) {
    await cleanup();
    return { ok: false, reason: `building the busybox test image failed: ${built.body.slice(-300)}` };
  }
  const api = (method: string, path: string, body?: unknown) =>
    call(socketPath, method, path, body === undefined ? undefined : JSON.stringify(body));
  const created: string[] = [];
  const harness: DockerHarness = {
    socketPath,
    daemonPid: daemon.pid,
    image: TEST_IMAGE,
    userlandProxy: options.userlandProxy,
    api,
    async run(spec) {
      const r = await api('POST', `/containers/create?name=${encodeURIComponent(spec.name)}`, {
        Image: TEST_IMAGE,
        Cmd: spec.cmd,
        Labels: spec.labels ?? {},
        ExposedPorts: Object.fromEntries(Object.keys(spec.ports ?? {}).map((k) => [k, {}])),
        HostConfig: { PortBindings: spec.ports ?? {}, RestartPolicy: { Name: spec.restart ?? 'no' } },
      });
      if (r.status !== 201) throw new Error(`create ${spec.name}: ${r.status} ${r.body}`);
      const id = (JSON.parse(r.body) as { Id: string }).Id;
      created.push(id);
      const s = await api('POST', `/containers/${id}/start`);
      if (s.status !== 204) throw new Error(`start ${spec.name}: ${s.status} ${s.body}`);
      return id;
    },
    async stop() {
      for (const id of created) await api('DELETE', `/containers/${id}?force=1`).catch(() => undefined);
      await cleanup();
    },
  };
  return { ok: true, harness };
}
