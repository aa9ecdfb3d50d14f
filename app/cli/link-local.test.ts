import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 9, item 6: a listener on a link-local IPv6 address keeps its interface. Everything runs in
// a network namespace this test makes (veth pair, fe80::1 on one end), so the host's interfaces
// are never touched; the built CLI runs inside it with `ip netns exec`.
const bin = fileURLToPath(new URL('../../bin/harbormaster.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/cli/harbormaster.js', import.meta.url));
const NS = `trustprobe-ll-${process.pid}`;
const DEV = 'tpll0';

function canMakeNamespaces(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root (ip netns add)';
  if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip') && !existsSync('/usr/bin/ip')) {
    return 'iproute2 (ip) is not installed';
  }
  return null;
}
const skipReason = canMakeNamespaces();
if (skipReason !== null) console.warn(`link-local tests skipped: ${skipReason}`);

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Runs the built CLI inside the namespace. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', NS, process.execPath, bin, ...args],
      { timeout: 30_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A real HTTP server inside the namespace, bound to `host`; resolves with its port. */
function serveIn(host: string, children: ChildProcess[]): Promise<number> {
  const source = `require('node:http').createServer((q, s) => s.end('<title>Scoped</title>')).listen(0, ${JSON.stringify(host)}, function () { console.log(this.address().port) })`;
  const child = spawn('ip', ['netns', 'exec', NS, process.execPath, '-e', source], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no server on ${host}`)), 10_000);
    child.stdout?.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(Number(String(d).trim()));
    });
  });
}

interface JsonListener {
  port: number;
  address: string;
  url: string | null;
  health: { state: string; kind?: string; status?: number; title?: string };
}

describe.skipIf(skipReason !== null)(
  'a link-local IPv6 listener keeps its interface (network namespace)',
  () => {
    const children: ChildProcess[] = [];
    let scoped = 0;
    let global = 0;
    let loopback = 0;
    let dir = '';

    beforeAll(async () => {
      if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before this test.');
      dir = mkdtempSync(join(tmpdir(), 'trust-probe-ll-'));
      ip('netns', 'add', NS);
      ip('-n', NS, 'link', 'set', 'lo', 'up');
      ip('-n', NS, 'link', 'add', DEV, 'type', 'veth', 'peer', 'name', `${DEV}p`);
      ip('-n', NS, 'link', 'set', DEV, 'up');
      ip('-n', NS, 'link', 'set', `${DEV}p`, 'up');
      ip('-n', NS, '-6', 'addr', 'add', 'fe80::1/64', 'dev', DEV, 'nodad');
      ip('-n', NS, '-6', 'addr', 'add', '2001:db8::1/64', 'dev', DEV, 'nodad');
      scoped = await serveIn(`fe80::1%${DEV}`, children);
      global = await serveIn('2001:db8::1', children);
      loopback = await serveIn('::1', children);
    }, 30_000);

    afterAll(() => {
      for (const c of children) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGKILL');
      try {
        ip('netns', 'del', NS);
      } catch {
        // already gone
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('list shows fe80::1%<interface> with a URL that carries the zone, and leaves global and loopback alone', async () => {
      const r = await cli(['list', '--tcp', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const listeners = (JSON.parse(r.stdout) as { listeners: JsonListener[] }).listeners;
      const at = (port: number) => listeners.find((l) => l.port === port);
      expect(at(scoped)?.address).toBe(`fe80::1%${DEV}`);
      expect(at(scoped)?.url).toBe(`http://[fe80::1%25${DEV}]:${scoped}/`);
      expect(at(global)?.address).toBe('2001:db8::1');
      expect(at(global)?.url).toBe(`http://[2001:db8::1]:${global}/`);
      expect(at(loopback)?.address).toBe('::1');
      expect(at(loopback)?.url).toBe(`http://[::1]:${loopback}/`);
      const table = await cli(['list', '--tcp']);
      expect(table.stdout).toContain(`fe80::1%${DEV}`);
    });

    it('check reaches the scoped listener through its interface (HTTP 200, not EINVAL)', async () => {
      const r = await cli(['check', String(scoped), '--json']);
      expect(r.stderr).toBe('');
      const [result] = JSON.parse(r.stdout) as { health: JsonListener['health'] }[];
      expect(result?.health).toMatchObject({ state: 'up', kind: 'http', status: 200, title: 'Scoped' });
      expect(r.code).toBe(0);
    });

    it('open hands the zoned URL to the opener', async () => {
      const out = join(dir, 'opened.txt');
      const opener = join(dir, 'opener.sh');
      writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > '${out}'\n`);
      chmodSync(opener, 0o755);
      const r = await cli(['open', String(scoped)], { HARBORMASTER_OPENER: opener });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(`http://[fe80::1%25${DEV}]:${scoped}/`);
    });
  },
);
