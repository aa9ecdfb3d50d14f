import { describe, expect, it } from 'vitest';
import { checkAlias, type HostAlias } from './alias.js';
import {
  controlArgv,
  forwardArgument,
  forwardControlArgv,
  masterArgv,
  remoteCommandArgv,
  trustArgv,
  windowsCommandArgv,
  windowsForwardArgv,
} from './ssh-argv.js';

const alias = (checkAlias('devbox') as { alias: HostAlias }).alias;
const t = { alias, configFile: '/tmp/cfg', controlPath: '/run/user/1000/harbormaster-ssh/%C' };
const spec = { bind: '127.0.0.1', localPort: 8081, remoteHost: '127.0.0.1', remotePort: 8080 } as const;

/** The value following `-o Key=` in argv. */
function opt(argv: readonly string[], key: string): string | undefined {
  for (let i = 0; i < argv.length - 1; i += 1)
    if (argv[i] === '-o' && argv[i + 1]?.startsWith(`${key}=`)) return argv[i + 1]?.slice(key.length + 1);
  return undefined;
}

describe('ssh argv builders', () => {
  it('every argv ends with -- and the alias (then only fixed command words)', () => {
    for (const argv of [
      masterArgv(t, 'yes', '/tmp/log'),
      controlArgv(t, 'check'),
      forwardControlArgv(t, 'forward', spec),
      windowsForwardArgv(t, spec),
    ]) {
      expect(argv.slice(-2)).toEqual(['--', 'devbox']);
    }
    expect(remoteCommandArgv(t, ['sh', '-s']).slice(-4)).toEqual(['--', 'devbox', 'sh', '-s']);
    expect(windowsCommandArgv(t, ['sh', '-s']).slice(-4)).toEqual(['--', 'devbox', 'sh', '-s']);
  });
  it('polls never prompt, never accept a host key, never forward agent, X11 or the config forwards', () => {
    const argv = remoteCommandArgv(t, ['sh', '-s']);
    expect(opt(argv, 'BatchMode')).toBe('yes');
    expect(opt(argv, 'StrictHostKeyChecking')).toBe('yes');
    expect(opt(argv, 'ForwardAgent')).toBe('no');
    expect(opt(argv, 'ForwardX11')).toBe('no');
    expect(opt(argv, 'ClearAllForwardings')).toBe('yes');
    expect(opt(argv, 'ControlMaster')).toBe('no');
    expect(opt(argv, 'ControlPath')).toBe(t.controlPath);
    expect(argv.slice(0, 2)).toEqual(['-F', '/tmp/cfg']);
  });
  it('the master persists, multiplexes on the private ControlPath and logs to a file', () => {
    const argv = masterArgv(t, 600, '/tmp/log');
    expect(opt(argv, 'ControlMaster')).toBe('yes');
    expect(opt(argv, 'ControlPersist')).toBe('600');
    expect(opt(argv, 'ControlPath')).toBe(t.controlPath);
    expect(opt(argv, 'StrictHostKeyChecking')).toBe('yes');
    expect(argv).toEqual(expect.arrayContaining(['-E', '/tmp/log', '-f', '-N']));
  });
  it('-O check|exit|forward|cancel address the master', () => {
    expect(controlArgv(t, 'exit')).toEqual([
      '-F',
      '/tmp/cfg',
      '-o',
      `ControlPath=${t.controlPath}`,
      '-O',
      'exit',
      '--',
      'devbox',
    ]);
    expect(forwardControlArgv(t, 'cancel', spec)).toContain('127.0.0.1:8081:127.0.0.1:8080');
  });
  it('IPv6 ends of a forward are bracketed', () => {
    expect(forwardArgument({ bind: '::1', localPort: 1, remoteHost: '::1', remotePort: 2 })).toBe(
      '[::1]:1:[::1]:2',
    );
  });
  it('Windows: no multiplexing at all, and one ssh -N -L per forward that exits on bind failure', () => {
    const argv = windowsForwardArgv(t, spec);
    expect(opt(argv, 'ControlMaster')).toBe('no');
    expect(opt(argv, 'ControlPath')).toBe('none');
    expect(opt(argv, 'ExitOnForwardFailure')).toBe('yes');
    expect(opt(argv, 'ForwardAgent')).toBe('no');
    expect(argv).toEqual(expect.arrayContaining(['-N', '-L', '127.0.0.1:8081:127.0.0.1:8080']));
    expect(opt(windowsCommandArgv(t, ['sh', '-s']), 'ControlPath')).toBe('none');
  });
  it('without a config file there is no -F', () => {
    expect(controlArgv({ ...t, configFile: null }, 'check')[0]).toBe('-o');
  });

  it('the trust run asks (only) about the host key: no BatchMode, but no agent, X11, password, master or forwards', () => {
    const argv = trustArgv(t);
    expect(argv.slice(-3)).toEqual(['--', 'devbox', 'true']);
    expect(opt(argv, 'BatchMode')).toBe('no');
    expect(opt(argv, 'StrictHostKeyChecking')).toBe('ask');
    expect(opt(argv, 'CheckHostIP')).toBe('no');
    expect(opt(argv, 'UpdateHostKeys')).toBe('no');
    expect(opt(argv, 'FingerprintHash')).toBe('sha256');
    expect(opt(argv, 'PasswordAuthentication')).toBe('no');
    expect(opt(argv, 'KbdInteractiveAuthentication')).toBe('no');
    expect(opt(argv, 'ForwardAgent')).toBe('no');
    expect(opt(argv, 'ForwardX11')).toBe('no');
    expect(opt(argv, 'ClearAllForwardings')).toBe('yes');
    expect(opt(argv, 'ControlMaster')).toBe('no');
    expect(opt(argv, 'ControlPath')).toBe('none');
    expect(argv.slice(0, 2)).toEqual(['-F', '/tmp/cfg']);
  });
});
