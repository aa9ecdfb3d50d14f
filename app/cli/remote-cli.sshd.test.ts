import { connect } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSshdFixture,
  pidsWithArgument,
  sshdUnavailable,
  type SshdFixture,
} from '../remote/test-support/sshd-fixture.js';
import { waitForLine } from '../remote/test-support/remote-fixture-host.js';
import { main } from './main.js';

const why = sshdUnavailable();
if (why) console.log(`remote-cli.sshd.test: SKIPPED, ${why}`);

const SERVER = `
const s = require('node:net').createServer((c) => c.end('hi\\n'));
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
setInterval(() => {}, 1e6);`;

describe.skipIf(why !== null)('the CLI against a real ssh host', () => {
  let fx: SshdFixture;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];
  const run = async (argv: string[], extra: NodeJS.ProcessEnv = {}) => {
    let out = '';
    let err = '';
    const code = await main(argv, {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      prompt: null,
      env: { ...env, ...extra },
    });
    return { code, out, err };
  };
  const serve = async () => {
    const child = fx.spawnInNs(['node', '-e', SERVER]);
    children.push(child);
    return { child, port: Number((await waitForLine(child, /PORT \d+/)).slice(5)) };
  };
  beforeAll(async () => {
    fx = await createSshdFixture();
    const rt = mkdtempSync(join(fx.dir, 'xdg-'));
    chmodSync(rt, 0o700);
    env = { ...fx.env, HARBORMASTER_SSH_CONFIG: fx.configFile, XDG_RUNTIME_DIR: rt };
  }, 60_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await run(['forwards', '--close', 'all']);
    for (const pid of pidsWithArgument(fx.configFile)) process.kill(pid, 'SIGTERM');
    fx?.destroy();
  });

  it('hosts lists the concrete hosts of the ssh config, not the wildcard', async () => {
    const r = await run(['hosts']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual(expect.arrayContaining(['hr-target', 'hr-jumped', 'hr-bastion']));
    expect(r.out).not.toContain('hr-*');
  });

  it('a hostile alias is refused before anything is spawned', async () => {
    const marker = join(fx.dir, 'ssh-was-run');
    const fakeSsh = join(fx.dir, 'fake-ssh');
    writeFileSync(fakeSsh, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    for (const argv of [
      ['list', '--host', '-oProxyCommand=touch /tmp/hr-pwned'],
      ['kill', '--host=a;id', '80', '--yes'],
      ['forward', '--', '-oProxyCommand=x', '80'],
    ]) {
      const r = await run(argv, { HARBORMASTER_SSH: fakeSsh });
      expect(r.code).toBe(2);
      expect(r.err).toContain('Refusing host alias');
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync('/tmp/hr-pwned')).toBe(false);
  });

  it('list --host and who --host show the remote listener with its pid and command', async () => {
    const { child, port } = await serve();
    const list = await run(['list', '--host', 'hr-target']);
    expect(list.code).toBe(0);
    const row = list.out.split('\n').find((l) => l.startsWith(`${port} `));
    expect(row).toContain(String(child.pid));
    expect(row).toContain('node -e');
    expect(list.out).toMatch(/hr-target over ssh/);
    const who = await run(['who', '--host', 'hr-target', String(port)]);
    expect(who.out).toContain(`pid ${child.pid} node`);
    const why = await run(['why', '--host', 'hr-target', String(port)]);
    expect(why.out).toContain(
      `listens on loopback only: reach it through a forward, harbormaster open --host hr-target ${port}`,
    );
    expect((await run(['check', '--host', 'hr-target', String(port)])).code).toBe(0);
    expect((await run(['check', '--host', 'hr-target', '1'])).code).toBe(3);
  });

  it('forward, forwards, forwards --close: a loopback forward listed and closed', async () => {
    const { port } = await serve();
    const f = await run(['forward', 'hr-target', String(port)]);
    expect(f.code).toBe(0);
    expect(f.out).toMatch(new RegExp(`hr-target remote ${port} → local \\d+ on 127\\.0\\.0\\.1`));
    const id = /Forward (\d+):/.exec(f.out)?.[1];
    const list = await run(['forwards']);
    expect(list.out).toMatch(new RegExp(`${id}\\s+hr-target\\s+${port}\\s+127\\.0\\.0\\.1:\\d+.*ok`));
    const closed = await run(['forwards', '--close', String(id)]);
    expect(closed.out).toContain(`Closed forward ${id}`);
    expect((await run(['forwards'])).out).toBe('No managed forwards.\n');
  });

  it('open --host --no-browser makes a managed forward to the remote port and prints its local URL', async () => {
    const { port } = await serve();
    const r = await run(['open', '--host', 'hr-target', String(port), '--no-browser']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = new RegExp(`^Forward (\\d+): hr-target .*\\((http://127\\.0\\.0\\.1:\\d+/?)\\)\n$`).exec(r.out);
    expect(m, r.out).not.toBeNull();
    // The remote server is plain TCP ("hi"): read it through the forward's local port.
    const local = Number(new URL(m?.[2] ?? 'http://x').port);
    const said = await new Promise<string>((resolve, reject) => {
      let got = '';
      connect(local, '127.0.0.1')
        .on('data', (d) => (got += String(d)))
        .on('end', () => resolve(got))
        .on('error', reject);
    });
    expect(said).toBe('hi\n');
    expect((await run(['forwards', '--close', String(m?.[1])])).out).toContain(`Closed forward ${m?.[1]}`);
    expect((await run(['open', '--host', 'hr-target', '1', '--no-browser'])).code).toBe(3);
  });

  it('kill --host --yes kills the remote holder and verifies the port is free', async () => {
    const { child, port } = await serve();
    const r = await run(['kill', '--host', 'hr-target', String(port), '--yes']);
    expect(r.err).toBe('');
    expect(r.out).toContain(`Killed pid ${child.pid} on hr-target: port ${port} is free`);
    expect(r.code).toBe(0);
  });

  it('an unknown host key stops the command loudly, even when another alias of the same address is connected', async () => {
    expect((await run(['list', '--host', 'hr-target'])).code).toBe(0);
    const r = await run(['list', '--host', 'hr-stranger']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('!!! hr-stranger: host key unknown');
    expect(r.err).toContain('Run: ssh hr-stranger');
    expect(r.out).not.toContain('Nothing is listening');
  });
});
