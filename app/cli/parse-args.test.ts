import { describe, expect, it } from 'vitest';
import { commandArgs, parseArgs } from './parse-args.js';

const spec = { flags: ['json', 'yes', 'force'], options: ['pid', 'timeout'] };

describe('CLI argument parsing', () => {
  it('reads declared flags, options (both spellings) and positionals in any order', () => {
    const r = parseArgs(['--json', '3000', '--pid=42', '--timeout', '500', '-y'], spec);
    expect(r).toEqual({
      ok: true,
      flags: new Set(['json', 'yes']),
      options: new Map([
        ['pid', '42'],
        ['timeout', '500'],
      ]),
      positionals: ['3000'],
    });
  });

  it.each([['--everything'], ['-x'], ['-yx'], ['--JSON']])('refuses the unknown option %j', (arg) => {
    const r = parseArgs([arg, '3000'], spec);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/Unknown option/);
  });

  it('refuses -y where the command has no --yes', () => {
    expect(parseArgs(['-y'], { flags: ['json'] }).ok).toBe(false);
  });

  it('refuses a value on a flag and a missing value on an option', () => {
    const flag = parseArgs(['--json=1'], spec);
    expect(!flag.ok && flag.error).toBe('--json takes no value.');
    const option = parseArgs(['3000', '--pid'], spec);
    expect(!option.ok && option.error).toBe('--pid needs a value.');
  });

  it('keeps negative numbers as positionals so the port parser can name the valid range', () => {
    const r = parseArgs(['-80', '--json', '-1'], spec);
    expect(r.ok && r.positionals).toEqual(['-80', '-1']);
    expect(r.ok && [...r.flags]).toEqual(['json']);
  });

  it('treats everything after -- as positional', () => {
    const r = parseArgs(['--', '--json', '-x'], spec);
    expect(r.ok && r.positionals).toEqual(['--json', '-x']);
    expect(r.ok && r.flags.size).toBe(0);
  });

  it('takes an option value that starts with a dash, as the old parser did', () => {
    const r = parseArgs(['--pid', '-5'], spec);
    expect(r.ok && r.options.get('pid')).toBe('-5');
  });
});

describe('commandArgs', () => {
  const usage = 'Usage: harbormaster pins [--json]';
  const run = (args: string[], noArguments?: { name: string }) => {
    let err = '';
    const parsed = commandArgs((t) => (err += t), usage, args, { flags: ['json'] }, noArguments);
    return { parsed, err };
  };

  it('returns the parsed arguments and prints nothing when they are good', () => {
    const { parsed, err } = run(['--json']);
    expect(parsed?.flags.has('json')).toBe(true);
    expect(err).toBe('');
  });

  it('prints the error with the usage and returns null on an unknown option', () => {
    const { parsed, err } = run(['--nope']);
    expect(parsed).toBeNull();
    expect(err).toMatch(/--nope/);
    expect(err.endsWith(`\n\n${usage}\n`)).toBe(true);
  });

  it('refuses positionals for a command that takes none, by name', () => {
    expect(run(['3000']).parsed?.positionals).toEqual(['3000']);
    const { parsed, err } = run(['3000'], { name: 'pins' });
    expect(parsed).toBeNull();
    expect(err).toBe(`pins takes no arguments.\n\n${usage}\n`);
  });
});
