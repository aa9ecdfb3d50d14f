import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandInTools, type StandInTools } from '../scan/test-support/stand-in-tool.js';
import {
  createWindowsOwnerResolver,
  parseCreationDate,
  parseWin32Processes,
  win32ProcessScript,
} from './windows-owners.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/windows/${name}`, import.meta.url), 'utf8');

describe('parseWin32Processes', () => {
  const { owners, skipped } = parseWin32Processes(fixture('win32-process-array.json'));

  it('reads name, path, command line, parent and start time', () => {
    expect(skipped).toBe(0);
    expect(owners.get(15872)).toMatchObject({
      kind: 'process',
      pid: 15872,
      ppid: 9980,
      name: 'node.exe',
      exe: 'C:\\Program Files\\nodejs\\node.exe',
      command: '"C:\\Program Files\\nodejs\\node.exe" "C:\\Users\\Jürgen\\app\\server.js" --port 3000',
      startToken: '2026-11-23T07:24:56.1234560Z',
      startedAt: Date.UTC(2026, 10, 23, 7, 24, 56, 123),
      user: null,
    });
  });

  it('shows protected processes by name when path and command line are hidden', () => {
    expect(owners.get(2460)).toMatchObject({ name: 'svchost.exe', exe: null, command: 'svchost.exe' });
    expect(owners.get(4)).toMatchObject({ name: 'System', startToken: 'boot', startedAt: null });
  });

  it('recognises the WSL relay as a WSL-forwarded port', () => {
    expect(owners.get(9001)?.container).toMatchObject({ kind: 'wsl', id: '{0b9a}' });
  });

  it('keeps hostile names as data and long command lines whole', () => {
    expect(owners.get(9002)?.name).toBe('evil\u0007\u001b[31m.exe');
    expect(owners.get(9002)?.command).toHaveLength(9 + 5000);
  });

  it('reads the single object PowerShell prints for one process', () => {
    expect([...parseWin32Processes(fixture('win32-process-single.json')).owners.keys()]).toEqual([15872]);
  });

  it('counts bad records and unreadable JSON instead of throwing', () => {
    const garbage = parseWin32Processes(fixture('win32-process-garbage.json'));
    expect([...garbage.owners.keys()]).toEqual([14]);
    expect(garbage.owners.get(14)?.startedAt).toBeNull();
    expect(garbage.skipped).toBe(5);
    expect(parseWin32Processes(fixture('win32-process-truncated.json'))).toEqual({
      owners: new Map(),
      skipped: 1,
    });
    expect(parseWin32Processes('')).toEqual({ owners: new Map(), skipped: 0 });
  });

  it('understands every CreationDate format PowerShell and WMI print', () => {
    const { owners: o } = parseWin32Processes(fixture('win32-process-date-formats.json'));
    expect(o.get(100)?.startedAt).toBe(Date.UTC(2026, 10, 23, 7, 24, 56, 123));
    expect(o.get(101)?.startedAt).toBe(Date.UTC(2026, 10, 23, 7, 24, 56, 123));
    expect(parseCreationDate('yesterday')).toBeNull();
  });
});

describe('win32ProcessScript', () => {
  it('puts only the integer pids into the WQL filter', () => {
    const script = win32ProcessScript([15872, 4]);
    expect(script).toContain("-Filter 'ProcessId=15872 OR ProcessId=4'");
  });

  it('refuses anything that is not a positive integer pid', () => {
    expect(() => win32ProcessScript([1.5])).toThrow(RangeError);
    expect(() => win32ProcessScript([0])).toThrow(RangeError);
    expect(() => win32ProcessScript([Number.NaN])).toThrow(RangeError);
    expect(() => win32ProcessScript([])).toThrow(RangeError);
  });
});

// Windows is not available here: a stand-in powershell records its script and prints recorded JSON.
describe('createWindowsOwnerResolver (stand-in PowerShell)', () => {
  let tools: StandInTools;
  let powershell: string;
  beforeAll(() => {
    tools = createStandInTools();
    const data = `${tools.dir}/processes.json`;
    writeFileSync(data, fixture('win32-process-array.json'));
    powershell = tools.script(
      'powershell.exe',
      // The script is the last argument: record it (one line per run), then print the JSON.
      `for a; do last="$a"; done\nprintf '%s\\n' "$last" >> '${tools.dir}/scripts'\ncat '${data}'`,
    );
  });
  afterAll(() => tools.remove());
  const scripts = (): string[] => {
    try {
      return readFileSync(`${tools.dir}/scripts`, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };

  it('starts one PowerShell per resolve, only for pids it does not know', async () => {
    const resolver = createWindowsOwnerResolver({ powershellPath: powershell });
    const first = await resolver.resolve([15872, 2460]);
    expect(first.get(15872)).toMatchObject({ ok: true, value: { name: 'node.exe' } });
    expect(scripts()).toHaveLength(1);
    expect(scripts()[0]).toContain('ProcessId=15872 OR ProcessId=2460');

    await resolver.resolve([15872, 2460]);
    expect(scripts()).toHaveLength(1);

    const next = await resolver.resolve([15872, 9001, 777]);
    expect(scripts()).toHaveLength(2);
    expect(scripts()[1]).toContain("'ProcessId=9001 OR ProcessId=777'");
    expect(next.get(9001)?.ok).toBe(true);
    expect(next.get(777)).toMatchObject({ ok: false, error: { code: 'ESRCH' } });
  });

  it('asks again after prune forgot a pid, and readIdentity always asks', async () => {
    const resolver = createWindowsOwnerResolver({ powershellPath: powershell });
    const before = scripts().length;
    await resolver.resolve([15872]);
    resolver.prune?.(new Set());
    await resolver.resolve([15872]);
    expect(scripts().length - before).toBe(2);
    const id = await resolver.readIdentity(15872);
    expect(id).toEqual({
      ok: true,
      value: {
        pid: 15872,
        startToken: '2026-11-23T07:24:56.1234560Z',
        exe: 'C:\\Program Files\\nodejs\\node.exe',
        name: 'node.exe',
      },
    });
    expect(scripts().length - before).toBe(3);
  });

  it('says TOOL_MISSING when PowerShell is not there', async () => {
    const resolver = createWindowsOwnerResolver({ powershellPath: tools.missing('powershell.exe') });
    expect((await resolver.resolve([15872])).get(15872)).toMatchObject({
      ok: false,
      error: { code: 'TOOL_MISSING' },
    });
  });
});
