import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../main.js';

// `harbormaster pin/unpin/pins` against a real settings folder and a real listening socket.

let dir: string;
let server: Server | null = null;
const sockets = new Set<Socket>();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h-look-pins-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  // A probe may still hold a connection open; close() waits for every one.
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { ...process.env, HARBORMASTER_USER_DATA: dir },
  });
  return { code, out, err };
}

describe('harbormaster pin / unpin / pins', () => {
  it('pins 3000 with a label into the settings file, keeping the other settings', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ theme: 'dark', watchedPorts: [8080] }));
    const r = await cli(['pin', '3000', '--label', 'Storefront API']);
    expect(r).toMatchObject({ code: 0, out: 'Pinned :3000 Storefront API\n' });
    const file = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toEqual({
      theme: 'dark',
      watchedPorts: [8080],
      pins: [{ port: 3000, label: 'Storefront API' }],
    });
    if (process.platform !== 'win32')
      expect((await stat(join(dir, 'settings.json'))).mode & 0o777).toBe(0o600);
  });

  it('lists a pin as up with its holder, and as down when nothing listens', async () => {
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await cli(['pin', String(port), '--label', 'Live one']);
    await cli(['pin', ':1']);
    const r = await cli(['pins']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^:${port} Live one  up · node \\(pid ${process.pid}\\)$`, 'm'));
    expect(r.out).toMatch(/^:1 {2}down$/m);
    const json = JSON.parse((await cli(['pins', '--json'])).out) as unknown[];
    expect(json).toEqual([
      { port, label: 'Live one', up: true, pids: [process.pid] },
      { port: 1, label: null, up: false, pids: [] },
    ]);
  });

  it('unpins, and refuses a bad port or a corrupt settings file without touching it', async () => {
    await cli(['pin', '3000']);
    expect(await cli(['unpin', '3000'])).toMatchObject({ code: 0, out: 'Unpinned :3000\n' });
    expect((await cli(['pins'])).out).toMatch(/No pinned ports/);
    expect((await cli(['pin', '70000'])).code).toBe(2);
    await writeFile(join(dir, 'settings.json'), '{not json');
    const r = await cli(['pin', '3000']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a settings file/);
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe('{not json');
  });
});
