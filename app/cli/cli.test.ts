import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_PORT_QUERIES } from '../testing/bad-input.js';
import { spawnListeners, type ListenerChild } from '../testing/listener-child.js';
import { main } from './main.js';

/** Runs the CLI in-process and captures its output. */
async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    prompt: null,
  });
  return { code, stdout, stderr };
}

describe('harbormaster list / who', () => {
  let child: ListenerChild;
  beforeAll(async () => {
    child = await spawnListeners([
      { protocol: 'tcp', host: '127.0.0.1' },
      { protocol: 'udp', host: '::1' },
      { protocol: 'tcp', host: '::' },
    ]);
  });
  afterAll(async () => {
    await child?.kill();
  });

  it('list --json carries protocol, family, address, port, exposure and the owner of every listener', async () => {
    const r = await cli('list', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      version: number;
      source: string;
      listeners: {
        protocol: string;
        family: number;
        address: string;
        port: number;
        exposure: string;
        owner: {
          known: boolean;
          pid: number;
          name: string;
          command: string;
          user: string;
          startedAt: string;
        };
      }[];
    };
    expect(out.version).toBe(1);
    expect(['netlink', 'procfs', 'ss']).toContain(out.source);
    const [tcp, udp, any6] = child.sockets;
    const find = (port: number | undefined, protocol: string) =>
      out.listeners.find((l) => l.port === port && l.protocol === protocol);
    expect(find(tcp?.port, 'tcp')).toMatchObject({
      family: 4,
      address: '127.0.0.1',
      exposure: 'loopback',
      owner: { known: true, pid: child.pid, name: 'node', user: 'root' },
    });
    expect(find(udp?.port, 'udp')).toMatchObject({
      family: 6,
      address: '::1',
      exposure: 'loopback',
      owner: { pid: child.pid },
    });
    expect(find(any6?.port, 'tcp')).toMatchObject({ family: 6, address: '::', exposure: 'all-interfaces' });
    const owner = find(tcp?.port, 'tcp')?.owner;
    expect(owner?.command).toContain('node');
    expect(Date.parse(owner?.startedAt ?? '')).toBeGreaterThan(Date.now() - 300_000);
  });

  it('list --udp shows only UDP, and the human table names the owner', async () => {
    const r = await cli('list', '--udp');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^PORT\s+PROTO\s+ADDRESS/);
    expect(
      lines.some(
        (l) =>
          l.startsWith(String(child.sockets[1]?.port)) && l.includes('udp6') && l.includes(String(child.pid)),
      ),
    ).toBe(true);
    expect(lines.some((l) => /^\d+\s+tcp/.test(l))).toBe(false);
  });

  it('who <port> names the holder, and says "free" for a free port', async () => {
    const held = await cli('who', String(child.sockets[0]?.port));
    expect(held.code).toBe(0);
    expect(held.stdout).toContain(`pid ${child.pid}`);
    expect(held.stdout).toContain('127.0.0.1');
    const json = JSON.parse((await cli('who', String(child.sockets[0]?.port), '--json')).stdout) as {
      holders: { owner: { pid: number } }[];
      free: boolean;
    };
    expect(json.free).toBe(false);
    expect(json.holders[0]?.owner.pid).toBe(child.pid);
    await child.close(0);
    const free = await cli('who', `:${child.sockets[0]?.port}`);
    expect(free.code).toBe(3);
    expect(free.stdout).toMatch(/is free/);
  });

  it.each(BAD_PORT_QUERIES)('who %j exits 2 naming the valid range', async (port) => {
    const r = await cli('who', port);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1–65535');
    expect(r.stdout).toBe('');
  });

  it('rejects unknown commands and options with usage, exit 2', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    const r = await cli('list', '--everything');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option/);
  });
});
