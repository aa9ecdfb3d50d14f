import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../scan/run-tool.js';
import { waitUntil } from '../testing/wait.js';
import { createStandInTools, type StandInTools } from '../scan/test-support/stand-in-tool.js';
import { createPsOwnerResolver, parseLstart, parsePsIdentity, parsePsOwners, PS_PATHS } from './ps-owners.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/ps/${name}`, import.meta.url), 'utf8');

describe('parsePsOwners', () => {
  it('reads macOS ps output: full exe path with spaces in comm, command line from args', () => {
    const owners = parsePsOwners(fixture('macos-identity.txt'), fixture('macos-args.txt'));
    expect(owners.get(501)).toMatchObject({
      kind: 'process',
      pid: 501,
      ppid: 1,
      uid: 501,
      user: 'alice',
      name: 'Google Chrome',
      exe: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      command: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome --type=browser --flag="a b"',
      startToken: 'Mon Nov 23 08:24:56 2026',
      startedAt: new Date(2026, 10, 23, 8, 24, 56).getTime(),
      cwd: null,
    });
    expect(owners.get(88)).toMatchObject({ name: 'postgres', startToken: 'Mon Nov 3 07:01:02 2026' });
    expect(owners.get(312)).toMatchObject({ user: '_mdnsresponder', uid: 65 });
  });

  it('recognises Docker Desktop’s port proxy as a container owner', () => {
    const owners = parsePsOwners(fixture('macos-identity.txt'), fixture('macos-args.txt'));
    expect(owners.get(4410)?.container).toMatchObject({ kind: 'docker', name: null });
  });

  it('reads a real Linux capture with a hostile name and a very long command line', () => {
    const owners = parsePsOwners(fixture('linux-identity.txt'), fixture('linux-args.txt'));
    expect([...owners.keys()]).toEqual([1, 25232]);
    const hostile = owners.get(25232);
    expect(hostile?.name).toBe('"a?b (x)'); // ps itself prints the BEL as '?'
    expect(hostile?.exe).toBeNull(); // Linux comm is not a path
    expect(hostile?.command.length).toBeGreaterThan(3000);
    expect(hostile?.command).toContain('arg with spaces');
  });

  it('counts garbage and a cut-off last line instead of guessing', () => {
    const { rows, skipped } = parsePsIdentity(fixture('garbage-identity.txt'));
    expect(rows.map((r) => r.pid)).toEqual([77]);
    expect(skipped).toBe(6);
  });

  it('treats a name procps had to cut (`averyve+`) as unknown rather than wrong', () => {
    const { rows } = parsePsIdentity('23848 23845  1001 Mon Nov 23 08:44:23 2026 averyve+ sleep\n');
    expect(rows[0]).toMatchObject({ user: null, uid: 1001, comm: 'sleep' });
  });

  it('parses lstart as local time and rejects impossible dates', () => {
    expect(parseLstart('Thu Jan  1 00:00:00 2026')).toBe(new Date(2026, 0, 1).getTime());
    expect(parseLstart('Mon Feb 30 08:00:00 2026')).toBeNull();
    expect(parseLstart('Mon Foo 3 08:00:00 2026')).toBeNull();
  });
});

const hasPs = process.platform !== 'win32' && (await findTool(PS_PATHS)) !== null;

describe.runIf(hasPs)('createPsOwnerResolver with real processes', () => {
  let tools: StandInTools;
  let counted: string;
  const children: number[] = [];
  const startChild = (): number => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'hm-owner-test'], {
      stdio: 'ignore',
    });
    if (child.pid === undefined) throw new Error('no pid');
    children.push(child.pid);
    return child.pid;
  };
  beforeAll(async () => {
    tools = createStandInTools();
    const ps = (await findTool(PS_PATHS)) ?? '/bin/ps';
    // The real ps behind a wrapper that counts how often it runs.
    counted = tools.script('ps', `echo run >> '${tools.dir}/runs'\nexec '${ps}' "$@"`);
  });
  afterAll(() => {
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    tools.remove();
  });
  const runs = (): number => {
    try {
      return readFileSync(`${tools.dir}/runs`, 'utf8').trim().split('\n').length;
    } catch {
      return 0;
    }
  };

  it('resolves a live pid to its name, command line, parent and start time', async () => {
    const pid = startChild();
    const owners = await createPsOwnerResolver({ candidates: [counted] }).resolve([pid]);
    const owner = owners.get(pid);
    expect(owner?.ok).toBe(true);
    if (!owner?.ok) return;
    expect(owner.value).toMatchObject({ pid, name: 'node', ppid: process.pid, uid: process.getuid?.() });
    expect(owner.value.command).toContain('hm-owner-test');
    expect(Math.abs((owner.value.startedAt ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('asks ps only about pids it does not know yet', async () => {
    const resolver = createPsOwnerResolver({ candidates: [counted] });
    const p1 = startChild();
    const before = runs();
    await resolver.resolve([p1]);
    const afterFirst = runs();
    expect(afterFirst - before).toBe(2); // identity + command lines, once
    await resolver.resolve([p1]);
    expect(runs()).toBe(afterFirst);
    const p2 = startChild();
    const both = await resolver.resolve([p1, p2]);
    expect(runs() - afterFirst).toBe(2);
    expect(both.get(p2)?.ok).toBe(true);
  });

  it('reports a vanished pid as ESRCH from readIdentity and resolve', async () => {
    const resolver = createPsOwnerResolver({ candidates: [counted] });
    const pid = startChild();
    const identity = await resolver.readIdentity(pid);
    expect(identity).toMatchObject({ ok: true, value: { pid, name: 'node' } });
    process.kill(pid, 'SIGKILL');
    // Wait until node has reaped it (a zombie still has a ps row for a moment).
    let after = await resolver.readIdentity(pid);
    await waitUntil(async () => !(after = await resolver.readIdentity(pid)).ok);
    expect(after).toMatchObject({ ok: false, error: { code: 'ESRCH' } });
    const gone = await resolver.resolve([pid]);
    expect(gone.get(pid)).toMatchObject({ ok: false, error: { code: 'ESRCH' } });
  });

  it('says TOOL_MISSING when ps is not there', async () => {
    const resolver = createPsOwnerResolver({ candidates: [tools.missing('ps')] });
    const out = await resolver.resolve([process.pid]);
    expect(out.get(process.pid)).toMatchObject({ ok: false, error: { code: 'TOOL_MISSING' } });
  });
});
