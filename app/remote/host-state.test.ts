import { describe, expect, it } from 'vitest';
import { classifySshFailure, fingerprintIn } from './host-state.js';
import { parseKillResult } from './kill-script.js';
import { deniedCommand } from './remote-kill.js';

const CHANGED = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
The fingerprint for the ED25519 key sent by the remote host is
SHA256:abcDEF123+/xyz.
Host key verification failed.`;

describe('ssh failures as host states', () => {
  it('a changed key is host-key-changed with its fingerprint and the ssh command', () => {
    const f = classifySshFailure('devbox', CHANGED);
    expect(f).toMatchObject({
      state: 'host-key-changed',
      fingerprint: 'SHA256:abcDEF123+/xyz',
      command: 'ssh devbox',
    });
    expect(f.message).toContain('HAS CHANGED');
  });
  it('an unknown key under strict checking is host-key-unknown', () => {
    const f = classifySshFailure(
      'devbox',
      'No ED25519 host key is known for devbox and you have requested strict checking.\r\nHost key verification failed.',
      'ssh-ed25519 SHA256:QQQ',
    );
    expect(f).toMatchObject({ state: 'host-key-unknown', fingerprint: 'ssh-ed25519 SHA256:QQQ' });
  });
  it.each([
    ['root@devbox: Permission denied (publickey).', 'auth-failed'],
    ['ssh: connect to host 10.0.0.2 port 22: Connection refused', 'unreachable'],
    ['ssh: Could not resolve hostname nope: Name or service not known', 'unreachable'],
    ['something odd', 'failed'],
  ])('%s → %s', (stderr, state) => {
    expect(classifySshFailure('devbox', stderr).state).toBe(state);
  });
  it('reads the fingerprint from ssh -v output', () => {
    expect(fingerprintIn('debug1: Server host key: ssh-ed25519 SHA256:AbC+/1\n')).toBe(
      'ssh-ed25519 SHA256:AbC+/1',
    );
  });
});

describe('remote kill results', () => {
  const N = '0123456789abcdef';
  it('a permission denial keeps the (cleaned) reason; the user gets the command, never a sudo run by us', () => {
    const r = parseKillResult(
      `\n@@${N} denied\nkill: (7): Operation not permitted\u001b[2J\n@@${N} end\n`,
      N,
      7,
    );
    expect(r).toEqual({ kind: 'denied', detail: 'kill: (7): Operation not permitted' });
    expect(deniedCommand('devbox', 7)).toBe('ssh -t devbox -- sudo kill -TERM -- 7');
  });
  it('output without the nonce is unreadable, never "freed"', () => {
    expect(parseKillResult(`\n@@ffffffffffffffff freed\n\n@@ffffffffffffffff end\n`, N, 7).kind).toBe(
      'unreadable',
    );
  });
});
