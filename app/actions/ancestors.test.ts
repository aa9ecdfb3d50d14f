import { describe, expect, it } from 'vitest';
import { parseStatPpid, readAncestors } from './ancestors.js';

describe('parseStatPpid', () => {
  it('reads the ppid even when the process name contains spaces and parentheses', () => {
    expect(parseStatPpid('1234 (node) S 77 1234 1234 0 -1 4194304')).toBe(77);
    expect(parseStatPpid('1234 (my (evil) name) S 88 1 1 0')).toBe(88);
    expect(parseStatPpid('garbage')).toBeNull();
  });
});

describe.runIf(process.platform === 'linux')('readAncestors', () => {
  it('walks from this process up to init', async () => {
    const chain = await readAncestors();
    expect(chain[0]).toBe(process.pid);
    expect(chain[1]).toBe(process.ppid);
    expect(new Set(chain).size).toBe(chain.length);
  });

  it('asks ps on other Unixes and still knows the direct parent', async () => {
    const chain = await readAncestors(process.pid, 'darwin');
    expect(chain.slice(0, 2)).toEqual([process.pid, process.ppid]);
  });

  it('knows only the direct parent on Windows', async () => {
    expect(await readAncestors(process.pid, 'win32')).toEqual([process.pid, process.ppid]);
  });
});
