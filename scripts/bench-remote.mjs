#!/usr/bin/env node
// `npm run bench:remote` (issue 15 speed): a remote snapshot over an open ControlMaster, with 100
// remote listeners, against a real sshd on loopback (temp host key, user key, config, known_hosts).
// Prints, for the app's way (one kept remote sh per host, remote-shell.ts) and the CLI's way (one
// ssh session per snapshot), the median and p90 wall time of REPS snapshots (target ≤ 100 ms) and
// the local CPU one poll costs (this process, its ssh children, the kept ssh, the master) as a
// share of one core at the 15 s pinned rate; then a real pinned host session left idle at the 15 s
// rate for IDLE seconds, with everything it cost locally (target ≤ 0.1 % of a core). Linux, root
// (sshd logs in as root here). Options: --reps=N (default 30), --idle=SECONDS (default 60, 0 skips),
// --netns (see below), --clean-shell (see below).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

// --clean-shell: log in as a throw-away user whose shell is /bin/sh with no rc files, created for
// the run and removed after. sshd runs every command through the login shell, and bash sources
// ~/.bashrc for sshd sessions: on this machine root's runs `pyenv init` (≈ 600 ms per session),
// which is the user's remote cost, not Harbormaster's. Both numbers are worth printing.
const CLEAN = process.argv.includes('--clean-shell');
// --netns: sshd and the 100 listeners in a network namespace of their own, reached over a veth
// pair, so the remote lists exactly those (on loopback it also lists every listener of this
// machine). Root mode only.
const NETNS = process.argv.includes('--netns') && !CLEAN;
const tag = Math.random().toString(36).slice(2, 6);
const NS = `hrb-${tag}`;
const net = 10 + Math.floor(Math.random() * 200);
const ADDR = NETNS ? `10.231.${net}.2` : '127.0.0.1';
const inNs = (argv) => (NETNS ? ['ip', ['netns', 'exec', NS, ...argv]] : [argv[0], argv.slice(1)]);
const BENCH_USER = 'hr2bench';
const repsArg = process.argv.find((a) => a.startsWith('--reps='));
const REPS = repsArg ? Number(repsArg.slice(7)) : 30;
const idleArg = process.argv.find((a) => a.startsWith('--idle='));
const IDLE_S = idleArg ? Number(idleArg.slice(7)) : 60;
const dist = new URL('../dist/app/remote/', import.meta.url);
const { createRemoteHost } = await import(new URL('remote-host.js', dist).href);
const { checkAlias } = await import(new URL('alias.js', dist).href);
const { createHostSession } = await import(new URL('host-session.js', dist).href);

const dir = mkdtempSync(path.join(tmpdir(), 'hr-bench-remote-'));
const sh = (cmd) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
// `-p '*'`: no password, but not "locked" (sshd without PAM refuses a locked account's key login).
if (CLEAN)
  sh(`id ${BENCH_USER} >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh -p '*' ${BENCH_USER}`);
// The listeners belong to the login user, so their holders are visible to it as they would be.
const benchUid = CLEAN ? Number(sh(`id -u ${BENCH_USER}`)) : undefined;
const freePort = () =>
  new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
const waitPort = async (port) => {
  for (let i = 0; i < 200; i += 1) {
    const up = await new Promise((r) => {
      const c = connect(port, ADDR);
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('sshd did not start');
};
/** utime+stime (+ waited children's) of one process, in ms (clock ticks are 10 ms). */
const cpuOf = (pid, withChildren) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ');
    const own = Number(f[11]) + Number(f[12]);
    return (withChildren ? own + Number(f[13]) + Number(f[14]) : own) * 10;
  } catch {
    return 0;
  }
};
/** Our own ssh children still running (the kept shell's ssh): not in cutime until they exit. */
const liveSshChildren = () =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const st = readFileSync(`/proc/${n}/stat`, 'latin1');
        return (
          Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && st.includes('(ssh)')
        );
      } catch {
        return false;
      }
    })
    .map(Number);
/**
 * Local CPU so far, by part: this process, its waited children, the given live ssh children (found
 * once, before the measured window: scanning /proc costs more than an idle poll), the master.
 */
const cpuParts = (masterPid, live) => ({
  node: cpuOf('self', false),
  exited: cpuOf('self', true) - cpuOf('self', false),
  live: live.reduce((t, p) => t + cpuOf(p, false), 0),
  master: cpuOf(masterPid, false),
});
const sum = (parts) => Object.values(parts).reduce((a, b) => a + b, 0);

sh(
  `mkdir -p /run/sshd; ssh-keygen -q -t ed25519 -N '' -f ${dir}/host; ssh-keygen -q -t ed25519 -N '' -f ${dir}/user`,
);
const port = await freePort();
writeFileSync(`${dir}/authorized_keys`, readFileSync(`${dir}/user.pub`));
// sshd reads the key file as the login user: a throw-away user must be able to.
if (CLEAN) sh(`chmod 755 ${dir}; chmod 644 ${dir}/authorized_keys`);
writeFileSync(
  `${dir}/sshd_config`,
  `ListenAddress ${ADDR}\nPort ${port}\nHostKey ${dir}/host\nPidFile ${dir}/sshd.pid\nAuthorizedKeysFile ${dir}/authorized_keys\nUsePAM no\nStrictModes no\nPasswordAuthentication no\nPermitRootLogin prohibit-password\nLogLevel ERROR\n`,
);
writeFileSync(
  `${dir}/known_hosts`,
  `[${ADDR}]:${port} ${readFileSync(`${dir}/host.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`,
);
writeFileSync(
  `${dir}/ssh_config`,
  `Host hr-bench\n  HostName ${ADDR}\n  Port ${port}\n  User ${CLEAN ? BENCH_USER : 'root'}\n  IdentityFile ${dir}/user\n  IdentitiesOnly yes\n  UserKnownHostsFile ${dir}/known_hosts\n  GlobalKnownHostsFile /dev/null\n`,
);
if (NETNS)
  sh(
    [
      `ip netns add ${NS}`,
      `ip link add hrb${tag}a type veth peer name hrb${tag}b`,
      `ip link set hrb${tag}b netns ${NS}`,
      `ip addr add 10.231.${net}.1/30 dev hrb${tag}a`,
      `ip link set hrb${tag}a up`,
      `ip -n ${NS} addr add ${ADDR}/30 dev hrb${tag}b`,
      `ip -n ${NS} link set hrb${tag}b up`,
      `ip -n ${NS} link set lo up`,
    ].join(' && '),
  );
const sshd = spawn(...inNs(['/usr/sbin/sshd', '-D', '-e', '-f', `${dir}/sshd_config`]), { stdio: 'inherit' });
const listeners = spawn(
  ...inNs([
    process.execPath,
    '-e',
    `const net=require('net');let n=0;for(let i=0;i<100;i++)net.createServer().listen(0,'127.0.0.1',()=>{if(++n===100)console.log('READY')});setInterval(()=>{},1e6)`,
  ]),
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(benchUid === undefined ? {} : { uid: benchUid, gid: benchUid }),
  },
);
await new Promise((r) => listeners.stdout.on('data', (b) => String(b).includes('READY') && r()));
await waitPort(port);
const rt = mkdtempSync(path.join(dir, 'rt-'));
const hostOf = (keepShell) =>
  createRemoteHost({
    alias: checkAlias('hr-bench').alias,
    configFile: `${dir}/ssh_config`,
    runtimeDir: rt,
    env: { PATH: process.env.PATH, HOME: dir },
    persist: 'yes',
    keepShell,
  });
// Both share the one master (same alias, config and runtime dir, so the same ControlPath).
const host = hostOf(false);
const kept = hostOf(true);
const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
let session = null;
try {
  const c = await host.connect();
  if (!c.ok) throw new Error(c.failure.message);
  const check = spawnSync(
    'ssh',
    [
      '-F',
      `${dir}/ssh_config`,
      '-o',
      `ControlPath=${host.target.controlPath}`,
      '-O',
      'check',
      '--',
      'hr-bench',
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } },
  );
  const masterPid = Number(/pid=(\d+)/.exec(check.stderr)?.[1] ?? 0);
  console.log(
    `remote snapshot over an open master${NETNS ? ' (sshd in its own network namespace)' : ' on loopback'} as ${CLEAN ? `${BENCH_USER} (login shell /bin/sh)` : 'root (its own login shell and rc files)'}, ${REPS} runs each:`,
  );
  for (const [label, h] of [
    ['app: one kept remote sh', kept],
    ['CLI: one ssh session per snapshot', host],
  ]) {
    await h.snapshot(); // warm (the kept shell logs in here)
    const walls = [];
    let count = 0;
    let total = 0;
    const live = liveSshChildren();
    const cpu0 = sum(cpuParts(masterPid, live));
    for (let i = 0; i < REPS; i += 1) {
      const t = performance.now();
      // A poll as host-session.ts makes it: `-O check`, then the snapshot.
      await h.isConnected();
      const s = await h.snapshot();
      walls.push(performance.now() - t);
      if (!s.ok) throw new Error(s.failure.message);
      count = s.value.listeners.filter((l) => l.holder?.pid === listeners.pid).length;
      total = s.value.listeners.length;
    }
    const cpuPer = (sum(cpuParts(masterPid, live)) - cpu0) / REPS;
    walls.sort((a, b) => a - b);
    // sshd runs in this machine's network namespace: the "remote" also lists every other listener.
    console.log(`  ${label}: ${count} listeners of the bench process, ${total} listed in all`);
    console.log(
      `    poll (check + snapshot) median ${q(walls, 0.5).toFixed(1)} ms, p90 ${q(walls, 0.9).toFixed(1)} ms, min ${walls[0].toFixed(1)} ms (target ≤ 100 ms)`,
    );
    console.log(
      `    local CPU per poll ${cpuPer.toFixed(1)} ms → ${((cpuPer / 15_000) * 100).toFixed(3)} % of a core at the 15 s pinned rate`,
    );
  }
  // The floor under every fresh session: one mux session running `true` over the same master.
  const trues = [];
  for (let i = 0; i < 10; i += 1) {
    const t = performance.now();
    await host.run(['true']);
    trues.push(performance.now() - t);
  }
  trues.sort((a, b) => a - b);
  console.log(`  floor of a fresh session: \`true\` over the same master, median ${trues[5].toFixed(1)} ms`);
  console.log(`  load average ${load()}`);

  if (IDLE_S > 0) {
    // The same window with no host polled: what this Node process costs by itself (GC of the
    // runs above, timers), to read the pinned number against.
    const base0 = cpuParts(masterPid, []);
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const base1 = cpuParts(masterPid, []);
    console.log(
      `  baseline, nothing polled for ${IDLE_S} s: node ${base1.node - base0.node} ms, master ${base1.master - base0.master} ms`,
    );
    // A real pinned host, collapsed (not looked at): the session polls every 15 s as the app does.
    session = createHostSession({ host: kept, runtimeDir: rt, intervalMs: 15_000 });
    session.start();
    while (session.view().state !== 'ok') await new Promise((r) => setTimeout(r, 50));
    const live = liveSshChildren();
    const t0 = performance.now();
    const before = cpuParts(masterPid, live);
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const after = cpuParts(masterPid, live);
    const parts = Object.keys(after).map((k) => `${k} ${after[k] - before[k]} ms`);
    const used = Object.keys(after).reduce((t, k) => t + after[k] - before[k], 0);
    const wall = performance.now() - t0;
    console.log(`  idle CPU by part: ${parts.join(', ')}`);
    console.log(
      `idle pinned host at the 15 s rate for ${IDLE_S} s: local CPU ${used} ms → ${((used / wall) * 100).toFixed(3)} % of a core (target ≤ 0.1 %), load average ${load()}`,
    );
  }
} finally {
  if (session) await session.dispose();
  await kept.disconnect();
  await host.disconnect();
  listeners.kill('SIGKILL');
  sshd.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  if (NETNS) sh(`ip netns del ${NS}; ip link del hrb${tag}a 2>/dev/null || true`);
  if (CLEAN) sh(`userdel ${BENCH_USER} 2>/dev/null || true`);
}
