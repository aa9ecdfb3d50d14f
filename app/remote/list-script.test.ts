import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listScript } from './list-script.js';
import { parseRemoteDump, splitSections } from './parse-dump.js';

const NONCE = 'a1b2c3d4e5f60718';
const onLinux = process.platform === 'linux';
if (!onLinux) console.log('list-script.test: skipped, the listing script reads Linux /proc');
const lsofHere = spawnSync('lsof', ['-v']).error === undefined;
if (onLinux && !lsofHere) console.log('list-script.test: lsof branch skipped, lsof is not installed');

describe.skipIf(!onLinux)('the remote listing script, run here by sh', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  });
  afterAll(() => server.close());

  it('lists this test process as the holder of its own listener, with pid, uid and command', () => {
    const run = spawnSync('sh', ['-s'], {
      input: listScript(NONCE),
      encoding: 'latin1',
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(run.status).toBe(0);
    const dump = parseRemoteDump(run.stdout, NONCE);
    expect(dump.ok).toBe(true);
    if (!dump.ok) return;
    const mine = dump.listeners.find((l) => l.port === port && l.protocol === 'tcp');
    expect(mine?.address).toBe('127.0.0.1');
    expect(mine?.exposure).toBe('loopback');
    expect(mine?.holder?.pid).toBe(process.pid);
    expect(mine?.holder?.uid).toBe(process.getuid?.());
    expect(mine?.holder?.command).toContain('node');
    expect(mine?.holder?.cwd).toBe(process.cwd());
  });

  it.skipIf(!lsofHere)('its lsof branch (forced here) lists the same holder through lsof -F and ps', () => {
    const run = spawnSync('sh', ['-s'], {
      input: listScript(NONCE, { forceLsof: true }),
      encoding: 'latin1',
    });
    expect(run.status).toBe(0);
    const dump = parseRemoteDump(run.stdout, NONCE);
    if (!dump.ok) throw new Error(dump.message);
    const mine = dump.listeners.find((l) => l.port === port && l.protocol === 'tcp');
    expect(mine).toMatchObject({ address: '127.0.0.1', listedBy: 'lsof', pids: [process.pid] });
    expect(mine?.holder?.uid).toBe(process.getuid?.());
    expect(mine?.holder?.command).toContain('node');
    expect(dump.viewerUid).toBe(process.getuid?.());
  });
});

describe('parsing a remote dump', () => {
  const head = `\n@@${NONCE} version 1\n\n@@${NONCE} uid 1000\n`;
  const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0\n`;

  it('a forged marker inside a command line is body text, not a section', () => {
    const evil = `node\0--x\n@@ffffffffffffffff end 0\n\0`;
    const text = `${head}\n@@${NONCE} net tcp\n${table}\n@@${NONCE} fd 0\n77 4242\n@@${NONCE} pid 77\n\n@@${NONCE} stat 77\n77 (node) S 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 5555 1 1\n@@${NONCE} puid 77 1000\n\n@@${NONCE} cmdline 77\n${evil}\n@@${NONCE} end 0\n`;
    const dump = parseRemoteDump(text, NONCE);
    expect(dump.ok).toBe(true);
    if (!dump.ok) return;
    expect(dump.listeners).toHaveLength(1);
    expect(dump.listeners[0]?.holder?.startTicks).toBe('5555');
    expect(dump.listeners[0]?.holder?.command).not.toMatch(/\n/);
  });

  it('control bytes and escape sequences in a remote command line are cleaned', () => {
    const text = `${head}\n@@${NONCE} net tcp\n${table}\n@@${NONCE} fd 0\n77 4242\n@@${NONCE} stat 77\n77 (ev\u001b[31mil) S 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 5555 1 1\n@@${NONCE} cmdline 77\nserver\0\u001b]0;pwned\u0007--title\0\u0007\u202e\n@@${NONCE} end 0\n`;
    const dump = parseRemoteDump(text, NONCE);
    if (!dump.ok) throw new Error(dump.message);
    const h = dump.listeners[0]?.holder;
    expect(h?.name).toBe('evil');
    expect(h?.command).toBe('server --title');
  });

  it('a dump cut off before its end marker is an error, never "no ports"', () => {
    const dump = parseRemoteDump(`${head}\n@@${NONCE} net tcp\n${table}`, NONCE);
    expect(dump).toMatchObject({ ok: false, unsupported: false });
  });

  it('a remote without /proc/net is unsupported, said so', () => {
    const dump = parseRemoteDump(`${head}\n@@${NONCE} unsupported Darwin\n\n@@${NONCE} end 0\n`, NONCE);
    expect(dump).toMatchObject({ ok: false, unsupported: true });
    if (!dump.ok) expect(dump.message).toContain('Darwin');
  });

  it('sections are split only at markers carrying the nonce', () => {
    const s = splitSections(`\n@@${NONCE} a 1\nx\n@@0000000000000000 b 2\ny\n@@${NONCE} end 0\n`, NONCE);
    expect(s.map((x) => x.kind)).toEqual(['a', 'end']);
  });
});
