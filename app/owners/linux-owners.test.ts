import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchContainer, recognizeProxy } from './container.js';
import { createLinuxOwnerResolver } from './linux-owners.js';
import { parseCmdline, parsePasswd, parseProcStat } from './proc-stat.js';
import { createProjectFinder, projectNameFrom } from './project.js';

describe('parseProcStat', () => {
  it('splits after the last parenthesis, so hostile comm values cannot shift fields', () => {
    const s = parseProcStat(
      '4242 (evil) S 1 (x) R 1) S 77 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 1000 10 18446744073709551615',
    );
    expect(s).toMatchObject({
      pid: 4242,
      comm: 'evil) S 1 (x) R 1',
      state: 'S',
      ppid: 77,
      startTicks: '123456',
    });
    expect(parseProcStat('garbage')).toBeNull();
    expect(parseProcStat('12 (x) S')).toBeNull();
  });
  it('reads argv and passwd', () => {
    expect(parseCmdline('node\0server.js\0--port\0\0')).toEqual(['node', 'server.js', '--port', '']);
    expect(parseCmdline('')).toEqual([]);
    expect(
      parsePasswd('root:x:0:0::/root:/bin/sh\n# c\nalice:x:1000:1000::/home/alice:/bin/sh\n').get(1000),
    ).toBe('alice');
  });
});

describe('recognizeProxy', () => {
  it('resolves docker-proxy to its container target', () => {
    const argv = [
      '/usr/bin/docker-proxy',
      '-proto',
      'tcp',
      '-host-ip',
      '0.0.0.0',
      '-host-port',
      '8080',
      '-container-ip',
      '172.17.0.2',
      '-container-port',
      '80',
    ];
    expect(recognizeProxy('docker-proxy', argv)).toMatchObject({
      kind: 'docker',
      name: null,
      target: '172.17.0.2:80',
    });
    expect(
      matchContainer(
        [
          {
            Id: 'abcdef1234567890',
            Names: ['/web'],
            Image: 'nginx',
            NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } },
          },
        ],
        '172.17.0.2',
      ),
    ).toEqual({ name: 'web', id: 'abcdef123456', image: 'nginx' });
  });
  it('recognises Docker Desktop and WSL relays, and nothing else', () => {
    expect(recognizeProxy('com.docker.backend', [])?.kind).toBe('docker');
    expect(recognizeProxy('wslrelay.exe', ['--vm-id', 'x'])?.kind).toBe('wsl');
    expect(recognizeProxy('node', ['node', 'server.js'])).toBeNull();
  });
});

describe('project detection', () => {
  const root = mkdtempSync(join(tmpdir(), 'hm-proj-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('finds the nearest project marker above the working directory', () => {
    mkdirSync(join(root, 'web', 'src', 'deep'), { recursive: true });
    writeFileSync(join(root, 'web', 'package.json'), JSON.stringify({ name: 'my-web-app' }));
    mkdirSync(join(root, 'api'), { recursive: true });
    writeFileSync(join(root, 'api', 'pyproject.toml'), '[project]\nname = "billing-api"\n');
    mkdirSync(join(root, 'svc'), { recursive: true });
    writeFileSync(join(root, 'svc', 'go.mod'), 'module github.com/acme/svc-gateway\n\ngo 1.22\n');
    const find = createProjectFinder();
    expect(find(join(root, 'web', 'src', 'deep'))).toEqual({
      name: 'my-web-app',
      root: join(root, 'web'),
      kind: 'node',
    });
    expect(find(join(root, 'api'))).toMatchObject({ name: 'billing-api', kind: 'python' });
    expect(find(join(root, 'svc'))).toMatchObject({ name: 'svc-gateway', kind: 'go' });
    expect(find(null)).toBeNull();
    expect(projectNameFrom('rust', '[package]\nname = "hm\u0007core"\n', '/x/y')).toBe('hmcore');
    expect(projectNameFrom('node', '{not json', '/x/fallback')).toBe('fallback');
  });
});

describe.runIf(process.platform === 'linux')('createLinuxOwnerResolver with a real process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-owner-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'owner-test-project' }));
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'arg with spaces'], {
    cwd: dir,
    stdio: 'ignore',
  });
  beforeAll(async () => {
    // Wait until the child has exec'd node with its own argv (spawn returns before that).
    for (let i = 0; i < 100; i += 1) {
      try {
        if (readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').includes('arg with spaces')) return;
      } catch {
        // not there yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(() => {
    if (child.pid) process.kill(child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads pid, start token, name, full command line, user, cwd, project and start time', async () => {
    const resolver = createLinuxOwnerResolver();
    const pid = child.pid as number;
    const r = (await resolver.resolve([pid])).get(pid);
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.value).toMatchObject({
      kind: 'process',
      pid,
      name: 'node',
      user: 'root',
      uid: 0,
      cwd: dir,
      exe: process.execPath,
      ppid: process.pid,
    });
    expect(r.value.command).toBe(`${process.execPath} -e setInterval(() => {}, 1000) arg with spaces`);
    expect(r.value.project).toEqual({ name: 'owner-test-project', root: dir, kind: 'node' });
    expect(Math.abs((r.value.startedAt ?? 0) - Date.now())).toBeLessThan(60_000);
    const id = await resolver.readIdentity(pid);
    expect(id).toEqual({
      ok: true,
      value: { pid, startToken: r.value.startToken, exe: process.execPath, name: 'node' },
    });
  });

  it('reports a vanished process as ESRCH', async () => {
    const resolver = createLinuxOwnerResolver();
    const r = (await resolver.resolve([2 ** 22 + 12345])).get(2 ** 22 + 12345);
    expect(r?.ok === false && r.error.code).toBe('ESRCH');
    expect((await resolver.readIdentity(2 ** 22 + 12345)).ok).toBe(false);
  });
});
