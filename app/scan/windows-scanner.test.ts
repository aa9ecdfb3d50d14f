import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POWERSHELL_SECTION_MARKER, WINDOWS_POWERSHELL_SCRIPT } from './parse-windows.js';
import { createStandInTools, type StandInTools } from './test-support/stand-in-tool.js';
import { createWindowsScanner, windowsNetstatPath, windowsPowerShellPath } from './windows-scanner.js';

/** Raw bytes: the stand-in prints exactly what Windows printed (OEM code page included). */
const fixture = (name: string): Buffer =>
  readFileSync(new URL(`./fixtures/windows/${name}`, import.meta.url));

// Windows itself is not available here: the adapter runs stand-ins that print recorded output.
describe('Windows scanner (stand-in tools printing recorded output)', () => {
  let tools: StandInTools;
  beforeAll(() => {
    tools = createStandInTools();
  });
  afterAll(() => tools.remove());

  it('runs netstat from System32 by absolute path', () => {
    expect(windowsNetstatPath()).toMatch(/^[A-Za-z]:\\.*\\System32\\netstat\.exe$/);
    expect(windowsPowerShellPath()).toMatch(/\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe$/);
  });

  it('lists listeners from German netstat output in the OEM code page', async () => {
    const tool = tools.printing('netstat-de', fixture('netstat-de-cp850.txt'));
    const outcome = await createWindowsScanner({ toolPath: tool }).scan();
    expect(outcome.backend).toBe('windows-netstat');
    expect(outcome.ok && outcome.listeners).toHaveLength(10);
    expect(outcome.ok && outcome.notes).toEqual([]);
  });

  it('lists listeners from the PowerShell variant', async () => {
    const tool = tools.printing('powershell', fixture('windows-powershell-scan.txt'));
    const outcome = await createWindowsScanner({ variant: 'powershell', toolPath: tool }).scan();
    expect(outcome.backend).toBe('windows-powershell');
    expect(outcome.ok && outcome.listeners.map((l) => `${l.protocol} ${l.port}`).sort()).toEqual([
      'tcp 135',
      'tcp 135',
      'tcp 139',
      'tcp 3000',
      'tcp 5432',
      'udp 1900',
      'udp 1900',
      'udp 5353',
      'udp 5353',
    ]);
  });

  it('never builds the PowerShell script from outside input', () => {
    expect(WINDOWS_POWERSHELL_SCRIPT).not.toMatch(/\$\{|\$args|\$env/);
  });

  it('says TOOL_MISSING, TIMEOUT and SCAN_FAILED as distinct states', async () => {
    const missing = await createWindowsScanner({ toolPath: tools.missing('netstat.exe') }).scan();
    expect(missing).toMatchObject({ ok: false, error: { code: 'TOOL_MISSING' } });
    const slow = tools.script('netstat-slow', 'sleep 5');
    const timeout = await createWindowsScanner({ toolPath: slow, timeoutMs: 200 }).scan();
    expect(timeout).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    const truncated = tools.printing('ps-trunc', fixture('get-nettcpconnection-truncated.json'));
    const failed = await createWindowsScanner({ variant: 'powershell', toolPath: truncated }).scan();
    expect(failed).toMatchObject({ ok: false, error: { code: 'SCAN_FAILED' } });
  });

  // Issue 17: Windows always has sockets (RPC on 135), so netstat rows going missing means the
  // output was not read, not that nothing listens. PowerShell, next in the chain, settles it.
  it('fails a netstat header without rows, and lets PowerShell report the empty machine', async () => {
    const tool = tools.printing('netstat-idle', '\r\nActive Connections\r\n\r\n  Proto  Local Address\r\n');
    expect(await createWindowsScanner({ toolPath: tool }).scan()).toMatchObject({
      ok: false,
      backend: 'windows-netstat',
      error: { code: 'SCAN_FAILED' },
    });
    const ps = tools.printing('ps-idle', `\r\n${POWERSHELL_SECTION_MARKER}\r\n`);
    expect(await createWindowsScanner({ variant: 'powershell', toolPath: ps }).scan()).toEqual({
      ok: true,
      backend: 'windows-powershell',
      listeners: [],
      notes: [],
    });
  });
});
