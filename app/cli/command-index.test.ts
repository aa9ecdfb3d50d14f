import { describe, expect, it } from 'vitest';
import { COMMAND_INDEX, mentionsHost } from './command-index.js';

describe('the lazy command index', () => {
  it('names each command as the command itself does (help, dispatch and --help agree)', async () => {
    for (const entry of COMMAND_INDEX) expect((await entry.load()).name).toBe(entry.name);
    expect(new Set(COMMAND_INDEX.map((c) => c.name)).size).toBe(COMMAND_INDEX.length);
  });

  it('loads the ssh layer only for --host / --host=, never for an argument after --', () => {
    expect(mentionsHost(['3000', '--host', 'box'])).toBe(true);
    expect(mentionsHost(['--host=box', '3000'])).toBe(true);
    expect(mentionsHost(['3000', '--json'])).toBe(false);
    expect(mentionsHost(['--', '--host', 'box'])).toBe(false);
  });
});
