import { describe, expect, it } from 'vitest';
import { checkAlias } from './alias.js';

describe('host alias validation', () => {
  it.each(['devbox', 'dev-box.example.com', 'me@vm1', 'hr_target', '10.0.0.2'])('accepts %s', (a) => {
    expect(checkAlias(a).ok).toBe(true);
  });
  it.each([
    ['-oProxyCommand=touch /tmp/pwned', 'start with "-"'],
    ['-p', 'start with "-"'],
    ['dev box', 'whitespace'],
    ['dev\tbox', 'whitespace'],
    ['host;reboot', 'only letters'],
    ['$(id)', 'only letters'],
    ['a`b`', 'only letters'],
    ['host|x', 'only letters'],
    ['a@b@c', 'only letters'],
    ['@host', 'only letters'],
    ['host\u001b[31m', 'only letters'],
    ['', 'empty'],
  ])('refuses %j', (a, why) => {
    const r = checkAlias(a);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });
  it('refuses an alias longer than 300 characters', () => {
    expect(checkAlias('a'.repeat(301)).ok).toBe(false);
  });
});
