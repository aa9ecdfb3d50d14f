import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnListeners, type ListenerChild } from '../testing/listener-child.js';
import { createLinuxOwnerResolver } from '../owners/linux-owners.js';
import { createSnapshotter } from '../watch/snapshotter.js';
import { createLinuxScanner } from './linux-scanner.js';

// Item 7 of issue 9: an owner we cannot see gets the reason the evidence shows, with real
// namespaces and a real permission denial (never a faked /proc).
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const distSs = fileURLToPath(new URL('../../dist/app/scan/ss-scanner.js', import.meta.url));
const python = '/usr/bin/python3';
const canUnshare =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['-U', '--map-root-user', '-p', '-f', '--mount-proc', 'true'], { timeout: 5000 })
    .status === 0;
if (!canUnshare) console.warn('hidden-owner-reason: skipped, needs Linux, root and unshare(1) namespaces');
const canPython = canUnshare && existsSync(python);
if (canUnshare && !canPython)
  console.warn('hidden-owner-reason: non-dumpable test skipped, needs /usr/bin/python3');

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `argv`, waits for its first stdout line (the port it listens on). */
function startPrintingPort(argv: readonly string[]): Promise<Started> {
  const [file, ...args] = argv as [string, ...string[]];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`${file} printed no port`)), 10_000);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (!m) return;
      clearTimeout(t);
      resolve({
        child,
        port: Number(m[1]),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            process.kill(child.pid as number, 'SIGKILL');
          }),
      });
    });
  });
}

/** Children of `ppid` read from /proc (a forked unshare's child has the outer pid we look for). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, ...args] = argv as [string, ...string[]];
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

interface JsonList {
  notes: { code: string; message: string }[];
  listeners: { port: number; protocol: string; owner: { known: boolean; reason?: string; pid?: number } }[];
}

const NODE_LISTENER =
  "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";

describe.runIf(canUnshare)('the reason given for an owner we cannot see (real namespaces)', () => {
  let host: ListenerChild;
  beforeAll(async () => {
    host = await spawnListeners([{ protocol: 'tcp', host: '127.0.0.1' }]);
  });
  afterAll(async () => {
    await host?.kill();
  });

  it('attributes a listener in a child pid namespace to its real pid, not to "another namespace"', async () => {
    const inner = await startPrintingPort([
      'unshare',
      '-p',
      '-f',
      '--kill-child',
      '--mount-proc',
      process.execPath,
      '-e',
      NODE_LISTENER,
    ]);
    try {
      const [outerPid] = childrenOf(inner.child.pid as number);
      const scanner = createLinuxScanner();
      const snap = await createSnapshotter({ scanner, owners: createLinuxOwnerResolver() }).take();
      scanner.dispose?.();
      const hit = snap.listeners.find((l) => l.port === inner.port && l.protocol === 'tcp');
      expect(hit?.owner).toMatchObject({ kind: 'process', pid: outerPid, name: 'node' });
    } finally {
      await inner.stop();
    }
  });

  it('says "another container or namespace" when the scanner runs in a child pid namespace', async () => {
    const r = await run(['unshare', '-p', '-f', '--mount-proc', process.execPath, bin, 'list', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as JsonList;
    const hit = out.listeners.find((l) => l.port === host.sockets[0]?.port && l.protocol === 'tcp');
    expect(hit?.owner).toMatchObject({ known: false, reason: 'other-namespace' });
    expect(out.notes.find((n) => n.code === 'OWNERS_HIDDEN')?.message).toMatch(
      /another container or namespace/,
    );
    const table = await run(['unshare', '-p', '-f', '--mount-proc', process.execPath, bin, 'list']);
    expect(table.stdout).toMatch(
      new RegExp(`^${host.sockets[0]?.port}\\s+tcp\\s.*owner not visible \\(other namespace\\)`, 'm'),
    );
  });

  it('does not list a listener of another network namespace as ours', async () => {
    const inner = await startPrintingPort(['unshare', '-n', process.execPath, '-e', NODE_LISTENER]);
    try {
      const scanner = createLinuxScanner();
      const snap = await createSnapshotter({ scanner, owners: createLinuxOwnerResolver() }).take();
      scanner.dispose?.();
      // Its loopback is another loopback: the port is not reachable from here, so it is not ours.
      const hit = snap.listeners.find(
        (l) =>
          l.port === inner.port &&
          l.protocol === 'tcp' &&
          l.owner.kind === 'process' &&
          l.owner.pid === inner.child.pid,
      );
      expect(hit).toBeUndefined();
    } finally {
      await inner.stop();
    }
  });

  describe.runIf(canPython)('root in a user namespace, denied the fd links of a non-dumpable process', () => {
    // Its /proc/PID/fd directory is listable (owned by root) but every link is EACCES: the
    // situation of pid 1 in a sandbox. The evidence says "not permitted", not "another namespace".
    let guarded: Started;
    beforeAll(async () => {
      guarded = await startPrintingPort([
        python,
        '-c',
        [
          'import ctypes, socket, time',
          'ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)',
          "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()",
          'print(s.getsockname()[1], flush=True)',
          'time.sleep(120)',
        ].join('\n'),
      ]);
    });
    afterAll(async () => {
      await guarded?.stop();
    });

    // Issue 16 item 9: that root is root in its namespace (uid 0), and is never told to get admin.
    it('the default scanner says "not readable, even as root", never "needs admin"', async () => {
      const r = await run(['unshare', '-U', '--map-root-user', process.execPath, bin, 'list', '--json']);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as JsonList;
      const hit = out.listeners.find((l) => l.port === guarded.port && l.protocol === 'tcp');
      expect(hit?.owner).toMatchObject({ known: false, reason: 'permission' });
      expect(JSON.stringify(hit?.owner)).not.toMatch(/needs admin/);
      const note = out.notes.find((n) => n.code === 'OWNERS_HIDDEN')?.message ?? '';
      expect(note).toMatch(/not readable, even as root/);
      expect(note).not.toMatch(/needs admin|namespace/);
      // The table names the reason for the row too, in the owner cell and the detail column.
      const table = await run(['unshare', '-U', '--map-root-user', process.execPath, bin, 'list']);
      const row = table.stdout.split('\n').find((line) => line.startsWith(`${guarded.port} `)) ?? '';
      expect(row).toContain('owner unknown (unreadable even as root)');
      expect(row).toContain('could not be read even as root');
      expect(table.stdout).not.toMatch(/needs admin/);
    });

    it.runIf(existsSync(distSs))('the ss backend says "not readable, even as root" too', async () => {
      const script = `import(${JSON.stringify(distSs)}).then(async (m) => { const o = await m.createSsScanner().scan(); process.stdout.write(JSON.stringify(o)); })`;
      const r = await run(['unshare', '-U', '--map-root-user', process.execPath, '-e', script]);
      const out = JSON.parse(r.stdout) as {
        ok: boolean;
        listeners: { port: number; pid: number | null; unknownReason?: string }[];
        notes: { code: string; message: string }[];
      };
      expect(out.ok).toBe(true);
      const hit = out.listeners.find((l) => l.port === guarded.port);
      expect(hit).toMatchObject({ pid: null, unknownReason: 'permission' });
      const note = out.notes.find((n) => n.code === 'OWNERS_HIDDEN')?.message ?? '';
      expect(note).toMatch(/not readable, even as root/);
      expect(note).not.toMatch(/needs admin|namespace/);
    });
  });
});
