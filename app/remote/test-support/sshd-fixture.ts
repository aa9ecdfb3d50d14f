import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * A real OpenSSH server in a network namespace made for the test (the "remote machine"), reached
 * over a veth pair, plus a bastion namespace that alone can reach the target's second address
 * (ProxyJump). The client side is isolated: its own `-F` config, known_hosts, key and HOME.
 * Names start with `hr-` so a leftover is easy to find and remove.
 */
export interface SshdFixture {
  readonly dir: string;
  readonly home: string;
  readonly configFile: string;
  readonly knownHosts: string;
  /** The target namespace's name (run `ip netns exec` in it). */
  readonly ns: string;
  readonly bastionNs: string;
  /** The target's veth address, reachable from here. */
  readonly targetIp: string;
  /** This side's veth address (the target reaches us there). */
  readonly hostIp: string;
  /** `hr-target` (direct), `hr-jumped` (via hr-bastion), `hr-stranger` (no known_hosts entry). */
  readonly env: NodeJS.ProcessEnv;
  /** Runs a shell command inside the target namespace. */
  inNs(cmd: string): string;
  /** Starts a process inside the target namespace (argv), returns it. */
  spawnInNs(argv: readonly string[]): ChildProcess;
  stopSshd(): void;
  /** Every process the target sshd runs for its sessions (`[pid, args]`), e.g. a kept remote sh. */
  sessionProcesses(): [number, string][];
  startSshd(): Promise<void>;
  destroy(): void;
}

/** Why the fixture cannot run here, or null. Printed by the tests that skip. */
export function sshdUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_NET_ADMIN)';
  if (!existsSync('/usr/sbin/sshd')) return '/usr/sbin/sshd missing (apt-get install openssh-server)';
  if (spawnSync('ssh', ['-V']).status !== 0) return 'ssh client missing (apt-get install openssh-client)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return '`ip netns` unavailable';
  return null;
}

/** Every process whose parent chain leads to `root` (sshd's sessions call setsid, so no group kill). */
export function descendantsOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/** Processes started with exactly this argument (our unique temp config path): ssh masters we forked. */
export function pidsWithArgument(arg: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').includes(arg)) out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
}

async function waitForPort(host: string, port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = connect({ host, port });
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`sshd at ${host}:${port} did not come up`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Builds the namespaces, keys, configs, and starts both sshds. */
export async function createSshdFixture(
  prefix = 'hr',
  opts: {
    /** More lines for the target sshd's config (e.g. `SetEnv PATH=…` to put a command on the remote PATH). */
    readonly targetConfig?: readonly string[];
  } = {},
): Promise<SshdFixture> {
  // Another suite's fixture may run at the same time: its own prefix keeps names apart.
  const tag = Math.random().toString(36).slice(2, 7);
  // …and its own subnets (10.213–215 for the default suite, 10.223–225 for another).
  const b = prefix === 'hr' ? 213 : 223;
  const ns = `${prefix}-t-${tag}`;
  const bastionNs = `${prefix}-b-${tag}`;
  const net = 10 + Math.floor(Math.random() * 200);
  const targetIp = `10.${b}.${net}.2`;
  const hostIp = `10.${b}.${net}.1`;
  const bastionIp = `10.${b + 1}.${net}.2`;
  const innerTarget = `10.${b + 2}.${net}.2`;
  const dir = mkdtempSync(`/tmp/${prefix}-sshd-`);
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true });
  for (const k of ['host_key', 'host_key_b', 'id_user', 'wrong_key'])
    sh(`ssh-keygen -q -t ed25519 -N '' -C hr -f ${dir}/${k}`);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_user.pub')));
  sh(
    [
      `ip netns add ${ns}`,
      `ip netns add ${bastionNs}`,
      `ip link add ${prefix}-${tag}a type veth peer name ${prefix}-${tag}b`,
      `ip link set ${prefix}-${tag}b netns ${ns}`,
      `ip addr add ${hostIp}/30 dev ${prefix}-${tag}a`,
      `ip link set ${prefix}-${tag}a up`,
      `ip -n ${ns} addr add ${targetIp}/30 dev ${prefix}-${tag}b`,
      `ip -n ${ns} link set ${prefix}-${tag}b up`,
      `ip -n ${ns} link set lo up`,
      `ip link add ${prefix}-${tag}c type veth peer name ${prefix}-${tag}d`,
      `ip link set ${prefix}-${tag}d netns ${bastionNs}`,
      `ip addr add 10.${b + 1}.${net}.1/30 dev ${prefix}-${tag}c`,
      `ip link set ${prefix}-${tag}c up`,
      `ip -n ${bastionNs} addr add ${bastionIp}/30 dev ${prefix}-${tag}d`,
      `ip -n ${bastionNs} link set ${prefix}-${tag}d up`,
      `ip -n ${bastionNs} link set lo up`,
      `ip link add ${prefix}-${tag}e netns ${bastionNs} type veth peer name ${prefix}-${tag}f netns ${ns}`,
      `ip -n ${bastionNs} addr add 10.${b + 2}.${net}.1/30 dev ${prefix}-${tag}e`,
      `ip -n ${bastionNs} link set ${prefix}-${tag}e up`,
      `ip -n ${ns} addr add ${innerTarget}/30 dev ${prefix}-${tag}f`,
      `ip -n ${ns} link set ${prefix}-${tag}f up`,
    ].join(' && '),
  );
  const sshdConfig = (name: string, key: string, addrs: readonly string[], extra: readonly string[] = []) => {
    const file = join(dir, `${name}_config`);
    writeFileSync(
      file,
      [
        ...addrs.map((a) => `ListenAddress ${a}`),
        'Port 22',
        `HostKey ${dir}/${key}`,
        `PidFile ${dir}/${name}.pid`,
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'AllowTcpForwarding yes',
        'AllowAgentForwarding yes',
        'MaxSessions 100',
        'MaxStartups 100',
        'LogLevel ERROR',
        ...extra,
      ].join('\n') + '\n',
    );
    return file;
  };
  const targetCfg = sshdConfig('target', 'host_key', [targetIp, innerTarget], opts.targetConfig);
  const bastionCfg = sshdConfig('bastion', 'host_key_b', [bastionIp]);
  const pub = (k: string) =>
    readFileSync(join(dir, `${k}.pub`), 'utf8')
      .split(' ')
      .slice(0, 2)
      .join(' ');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(
    knownHosts,
    `${targetIp} ${pub('host_key')}\n${innerTarget} ${pub('host_key')}\n${bastionIp} ${pub('host_key_b')}\n` +
      `hr-wrongkey-host ${pub('wrong_key')}\n`,
  );
  const common = [
    '  User root',
    `  IdentityFile ${dir}/id_user`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  ConnectTimeout 10',
    // The user's config asks for the agent: Harbormaster's forced ForwardAgent=no must win.
    '  ForwardAgent yes',
  ];
  const configFile = join(home, '.ssh', 'config');
  writeFileSync(
    configFile,
    [
      'Host hr-target',
      `  HostName ${targetIp}`,
      ...common,
      'Host hr-bastion',
      `  HostName ${bastionIp}`,
      ...common,
      'Host hr-jumped',
      `  HostName ${innerTarget}`,
      '  ProxyJump hr-bastion',
      ...common,
      'Host hr-wrongkey',
      `  HostName ${targetIp}`,
      '  HostKeyAlias hr-wrongkey-host',
      ...common,
      'Host hr-stranger',
      `  HostName ${targetIp}`,
      '  HostKeyAlias hr-never-seen',
      ...common,
      'Host hr-*',
      '  ServerAliveInterval 5',
      // A host added in settings by address (not an alias of this file) still gets the test key.
      'Host 10.*',
      ...common,
    ].join('\n') + '\n',
  );
  const sshds: ChildProcess[] = [];
  const start = async (inNs: string, cfg: string, ip: string) => {
    const p = spawn('ip', ['netns', 'exec', inNs, '/usr/sbin/sshd', '-D', '-e', '-f', cfg], {
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    });
    sshds.push(p);
    await waitForPort(ip, 22, 20_000);
  };
  let targetSshd: ChildProcess | null = null;
  const fixture: SshdFixture = {
    dir,
    home,
    configFile,
    knownHosts,
    ns,
    bastionNs,
    targetIp,
    hostIp,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C' },
    inNs: (cmd) => execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { encoding: 'utf8' }),
    spawnInNs: (argv) => spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['pipe', 'pipe', 'inherit'] }),
    sessionProcesses() {
      const pid = targetSshd?.pid;
      return (pid ? descendantsOf(pid) : []).flatMap((p): [number, string][] => {
        try {
          return [[p, readFileSync(`/proc/${p}/cmdline`, 'latin1').split('\0').join(' ').trim()]];
        } catch {
          return [];
        }
      });
    },
    stopSshd() {
      // The listening daemon and every session it forked (the whole process group): the host is gone.
      const pid = targetSshd?.pid;
      if (pid) killPids([...descendantsOf(pid), pid]);
      targetSshd = null;
    },
    async startSshd() {
      await start(ns, targetCfg, targetIp);
      targetSshd = sshds.at(-1) ?? null;
    },
    destroy() {
      fixture.stopSshd();
      for (const p of sshds) if (p.pid) killPids([...descendantsOf(p.pid), p.pid]);
      killPids(pidsWithArgument(configFile));
      spawnSync('ip', ['netns', 'del', ns]);
      spawnSync('ip', ['netns', 'del', bastionNs]);
      spawnSync('ip', ['link', 'del', `${prefix}-${tag}a`]);
      spawnSync('ip', ['link', 'del', `${prefix}-${tag}c`]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await fixture.startSshd();
    await start(bastionNs, bastionCfg, bastionIp);
  } catch (e) {
    fixture.destroy();
    throw e;
  }
  return fixture;
}
