import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreSource } from '../actions/test-support/core-source.js';
import type { Health, ProbeSent } from '../model/health.js';
import type { Listener } from '../model/listener.js';
import { createHealthMonitor } from './monitor.js';
import { probeListener } from './probe.js';
import { startPostgres, startRedis } from './test-support/databases.js';
import {
  startBeanstalkd,
  startMemcached,
  startMosquitto,
  startRawService,
  startSshd,
  type Daemon,
} from './test-support/daemons.js';

// Issue 9, item 4: bulk and background probing (`list --health`, the monitor, the tray) sends
// nothing a real non-HTTP service rejects. Each service's own log is the witness, and the last
// test proves each witness speaks up when it is sent garbage.
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/app/cli/main.js', import.meta.url));
const root = process.platform === 'linux' && process.getuid?.() === 0;
if (!root) console.warn('polite-probing tests skipped: they start real daemons as root on Linux');

/** What each service logs when it receives bytes it does not understand. */
const REJECTED: Record<string, RegExp> = {
  memcached: /Client using the .* protocol/,
  beanstalkd: /command/,
  mosquitto: /protocol error|malformed|Socket error/i,
  sshd: /invalid protocol identifier|invalid format|Bad protocol version/i,
  redis: /Possible SECURITY ATTACK/,
  postgres:
    /invalid length of startup packet|incomplete startup packet|unsupported frontend protocol|invalid startup packet layout|could not accept SSL connection|could not receive data from client/,
  rawsvc: /received \d+ bytes/,
};

/** What a polite probe may write to each: nothing at all, except the databases' own greetings. */
const ALLOWED_SENT: Record<string, readonly ProbeSent[]> = {
  memcached: [],
  beanstalkd: [],
  mosquitto: [],
  sshd: [],
  rawsvc: [],
  redis: ['redis-ping'],
  postgres: ['postgres-ssl-request'],
};

const GARBAGE = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: garbage\r\n\r\n';

function sendRaw(port: number, bytes: string, ms = 800): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.on('data', () => undefined);
    socket.on('close', done);
    socket.on('error', done);
  });
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { timeout: 120_000, maxBuffer: 32 << 20 },
      (e, stdout, stderr) => {
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.runIf(root)('polite probing of real non-HTTP services (list --health and the monitor)', () => {
  const services: Daemon[] = [];
  const byName = (name: string): Daemon => {
    const s = services.find((d) => d.name === name);
    if (!s) throw new Error(`${name} not started`);
    return s;
  };

  beforeAll(async () => {
    // One at a time: the machine is shared.
    for (const start of [startMemcached, startBeanstalkd, startMosquitto, startSshd, startRawService]) {
      services.push(await start());
    }
    const redis = await startRedis();
    services.push({ name: 'redis', port: redis.port, pid: redis.pid, log: redis.log, stop: redis.stop });
    const pg = await startPostgres();
    services.push({ name: 'postgres', port: pg.port, pid: pg.pid, log: pg.log, stop: pg.stop });
  }, 120_000);

  afterAll(async () => {
    for (const s of services) await s.stop().catch(() => undefined);
  }, 60_000);

  async function expectNothingRejected(): Promise<void> {
    for (const s of services) {
      const log = await s.log();
      expect(log, `${s.name} logged rejected bytes`).not.toMatch(REJECTED[s.name] ?? /$^/);
    }
    // The raw server was contacted (so "0 bytes" means something) and received nothing.
    const raw = await byName('rawsvc').log();
    expect(raw).toContain('connection');
    expect(raw).not.toMatch(/closed after [1-9]/);
  }

  it('list --health (the built CLI) sends each of them nothing it rejects, and says what it sent', async () => {
    if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before this test.');
    const r = await runCli(['list', '--tcp', '--health', '--json', '--all']);
    expect(r.code, r.stderr).toBe(0);
    const listeners = (
      JSON.parse(r.stdout) as { listeners: { port: number; owner: { name?: string }; health: Health }[] }
    ).listeners;
    for (const s of services) {
      const l = listeners.find((x) => x.port === s.port);
      expect(l, `${s.name} on ${s.port} is listed`).toBeDefined();
      expect(l?.health.state, `${s.name} was probed`).toBe('up');
      const sent = l?.health.state === 'up' ? l.health.sent : undefined;
      expect(sent, `what list --health sent to ${s.name}`).toEqual(ALLOWED_SENT[s.name]);
    }
    await sleep(300); // let the daemons flush their logs
    await expectNothingRejected();
  }, 150_000);

  it('three background monitor cycles send each of them nothing it rejects', async () => {
    const ports = new Set(services.map((s) => s.port));
    const snapshot = await createCoreSource().refresh();
    const watched: Listener[] = snapshot.listeners.filter((l) => l.protocol === 'tcp' && ports.has(l.port));
    expect(watched.map((l) => l.port).sort()).toEqual([...ports].sort());
    const probes = new Map<string, number>();
    const monitor = createHealthMonitor({
      upIntervalMs: 300,
      retryBaseMs: 300,
      jitter: 0,
      minStartGapMs: 20,
      probe: (listener, options) => {
        probes.set(listener.id, (probes.get(listener.id) ?? 0) + 1);
        return probeListener(listener, options);
      },
    });
    try {
      monitor.observe(watched);
      const until = Date.now() + 30_000;
      while (watched.some((l) => (probes.get(l.id) ?? 0) < 4) && Date.now() < until) await sleep(100);
      // Four starts mean three cycles finished.
      for (const l of watched) expect(probes.get(l.id) ?? 0, `${l.port} probed`).toBeGreaterThanOrEqual(4);
      for (const l of watched) expect(monitor.get(l.id).state).toBe('up');
    } finally {
      monitor.dispose();
    }
    await sleep(300);
    await expectNothingRejected();
  }, 60_000);

  it('control: each of those logs does record garbage, so the checks above can fail', async () => {
    for (const s of services) await sendRaw(s.port, GARBAGE);
    await sleep(500);
    for (const s of services) {
      expect(await s.log(), `${s.name} logs garbage`).toMatch(REJECTED[s.name] ?? /$^/);
    }
  }, 30_000);
});
