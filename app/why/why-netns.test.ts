import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from './types.js';
import { BUILT, runCli, SERVERS, startNode, stopAll, type ServerProc } from './test-support/run-cli.js';

// The installed command, inside network namespaces made by the test (`ip netns`, a veth pair) so
// firewall rules and addresses touch nothing outside them, and as `nobody` for what an
// unprivileged user cannot read. Needs root, iproute2 and nftables (.ci/run installs them).
const IP = '/usr/sbin/ip';
const NFT = '/usr/sbin/nft';
const isRoot = process.platform === 'linux' && process.getuid?.() === 0;
const canNetns = isRoot && existsSync(IP) && existsSync(NFT) && existsSync('/usr/sbin/runuser');
if (!canNetns)
  console.warn('why-netns.test.ts skipped: needs root, ip (iproute2), nft (nftables) and runuser');

const tag = `${process.pid % 100000}`;
const ns = `why-fw-${tag}`;
const dataDir = mkdtempSync(join(tmpdir(), 'why-netns-data-'));
const env = { HARBORMASTER_DATA_DIR: dataDir };
const servers: ServerProc[] = [];
const netns = (...args: string[]) => execFileSync(IP, ['netns', 'exec', ns, ...args], { stdio: 'pipe' });

beforeAll(() => {
  if (!canNetns) return;
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` (npm test does) first.');
  execFileSync(IP, ['netns', 'add', ns]);
  netns(IP, 'link', 'set', 'lo', 'up');
  // A veth pair, one end inside: the namespace then has an address of its own (10.200.x.2).
  execFileSync(IP, ['link', 'add', `whyv${tag}`, 'type', 'veth', 'peer', 'name', `whyp${tag}`, 'netns', ns]);
  netns(IP, 'addr', 'add', '10.200.77.2/24', 'dev', `whyp${tag}`);
  netns(IP, 'link', 'set', `whyp${tag}`, 'up');
  // Both ends up: an interface without carrier is not listed as this machine's (libuv skips it).
  execFileSync(IP, ['link', 'set', `whyv${tag}`, 'up']);
});
afterEach(() => stopAll(servers));
afterAll(() => {
  if (canNetns) {
    spawnSync(IP, ['link', 'del', `whyv${tag}`]);
    spawnSync(IP, ['netns', 'del', ns]);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function whyIn(
  args: string[],
  user?: string,
): Promise<{ code: number; out: string; d: Diagnosis | null; wallMs: number }> {
  const r = await runCli(['why', ...args], { env, netns: ns, ...(user ? { user } : {}) });
  const json = args.includes('--json');
  return {
    code: r.code,
    out: r.stdout + r.stderr,
    d: json ? (JSON.parse(r.stdout) as Diagnosis) : null,
    wallMs: r.wallMs,
  };
}

function rules(text: string): void {
  execFileSync(IP, ['netns', 'exec', ns, NFT, '-f', '-'], {
    input: text.replace(/; /g, '\n').replace(/\} \}/g, '}\n}'),
  });
}

describe.runIf(canNetns)('harbormaster why in a test-made network namespace', () => {
  it('firewall drop: names the table, chain and rule, within --timeout + 300 ms', async () => {
    const s = await startNode(SERVERS.http, { HOST: '127.0.0.1' }, { netns: ns });
    servers.push(s);
    rules(
      `table inet why_fw_${tag} { chain input { type filter hook input priority 0; policy accept; tcp dport ${s.port} drop; } }`,
    );
    try {
      const r = await whyIn([`127.0.0.1:${s.port}`, '--timeout', '700']);
      expect(r.code).toBe(1);
      expect(r.out.split('\n')[0]).toMatch(
        new RegExp(`A firewall rule drops it: table inet why_fw_${tag}, chain input`),
      );
      expect(r.out).toMatch(
        new RegExp(
          `measured: nft: table inet why_fw_${tag} chain input handle \\d+: tcp dport ${s.port} drop`,
        ),
      );
      expect(r.out).toMatch(/timed out, the connection was never accepted/);
      const j = await whyIn([`127.0.0.1:${s.port}`, '--timeout', '700', '--json']);
      expect(j.d?.findings[0]?.id).toBe('firewall');
      expect(j.d?.elapsedMs).toBeLessThanOrEqual(700 + 300);
    } finally {
      spawnSync(IP, ['netns', 'exec', ns, NFT, 'delete', 'table', 'inet', `why_fw_${tag}`]);
    }
  });

  it('firewall reject: the refusal is blamed on the rule, not on the server', async () => {
    const s = await startNode(SERVERS.http, { HOST: '127.0.0.1' }, { netns: ns });
    servers.push(s);
    rules(
      `table ip why_rj_${tag} { chain out { type filter hook output priority 0; policy accept; tcp dport ${s.port} reject with tcp reset; } }`,
    );
    try {
      const r = await whyIn([`localhost:${s.port}`]);
      expect(r.code).toBe(1);
      expect(r.out.split('\n')[0]).toMatch(
        new RegExp(`A firewall rule rejects it: table ip why_rj_${tag}, chain out`),
      );
      expect(r.out).toMatch(/refused/);
      expect(r.out).toMatch(new RegExp(`fix:      sudo nft delete rule ip why_rj_${tag} out handle \\d+`));
    } finally {
      spawnSync(IP, ['netns', 'exec', ns, NFT, 'delete', 'table', 'ip', `why_rj_${tag}`]);
    }
  });

  it('as nobody: "firewall rules not readable (needs admin)", never a guess', async () => {
    const s = await startNode(SERVERS.http, { HOST: '127.0.0.1' }, { netns: ns });
    servers.push(s);
    rules(
      `table inet why_nb_${tag} { chain input { type filter hook input priority 0; policy accept; tcp dport ${s.port} drop; } }`,
    );
    try {
      const r = await whyIn([`127.0.0.1:${s.port}`, '--timeout', '500'], 'nobody');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/firewall rules not readable \(needs admin\)/);
      expect(r.out).not.toMatch(/A firewall rule (drops|rejects) it/);
    } finally {
      spawnSync(IP, ['netns', 'exec', ns, NFT, 'delete', 'table', 'inet', `why_nb_${tag}`]);
    }
  });

  it('resolution order: localhost gives ::1 first, the server is on 127.0.0.1 only (the Node ≥ 17 trap)', async () => {
    // `ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts inside the namespace.
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns}/hosts`, '::1 localhost\n127.0.0.1 localhost\n');
    try {
      const s = await startNode(SERVERS.http, { HOST: '127.0.0.1' }, { netns: ns });
      servers.push(s);
      const r = await whyIn([`localhost:${s.port}`]);
      expect(r.code).toBe(0); // reachable: clients that try every address get there
      expect(r.out).toMatch(
        new RegExp(
          `Some clients fail: localhost resolves to ::1 first, and the server listens on 127\\.0\\.0\\.1:${s.port} only`,
        ),
      );
      expect(r.out).toContain('measured: localhost resolves to ::1, 127.0.0.1 here, in that order');
      expect(r.out).toMatch(new RegExp(`measured: \\[::1\\]:${s.port}: refused`));
      expect(r.out).toMatch(new RegExp(`measured: 127\\.0\\.0\\.1:${s.port}: answered — HTTP 200 "Home"`));
      expect(r.out).toContain(`fix:      Connect to 127.0.0.1:${s.port} instead of localhost`);
    } finally {
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
  });

  it('wrong address: a server bound to the namespace’s veth address only, asked localhost', async () => {
    const s = await startNode(SERVERS.http, { HOST: '10.200.77.2' }, { netns: ns });
    servers.push(s);
    const r = await whyIn([`localhost:${s.port}`]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toMatch(
      /Wrong address: the server listens only on 10\.200\.77\.2:\d+, not on 127\.0\.0\.1/,
    );
    const ok = await whyIn([`http://10.200.77.2:${s.port}/`]);
    expect(ok.code).toBe(0);
  });

  it('another user’s holder (seen by nobody): held, never free', async () => {
    const s = await startNode(SERVERS.tcp, { HOST: '::1' }, { netns: ns });
    servers.push(s);
    const r = await whyIn([`127.0.0.1:${s.port}`], 'nobody');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `Port ${s.port} is held by a process of root whose details are hidden \\(needs admin\\) — not free`,
      ),
    );
    expect(r.out).not.toMatch(/Nothing listens/);
  });

  it('a holder in another PID namespace (a container sharing the network): held, never free', async () => {
    // The CLI runs in a fresh PID namespace (as inside a container): it shares this network
    // namespace, so it sees the socket, but not the process that holds it.
    const s = await startNode(SERVERS.tcp, { HOST: '::1' }, { netns: ns });
    servers.push(s);
    const r = await runCli(['why', `${s.port}`], {
      env,
      netns: ns,
      prefix: ['/usr/bin/unshare', '--pid', '--fork', '--mount-proc'],
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`Port ${s.port} is held by a process in another namespace or container — not free`),
    );
    expect(r.stdout).not.toMatch(/Nothing listens/);
  });
});
