import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshUserConfig } from './ssh-config-fs.js';

describe('the user ssh config is the file ssh itself reads', () => {
  // A HOME that is not the account's home (sudo -E, a wrapper, a sandbox), with a config of its own.
  const elsewhere = mkdtempSync(join(tmpdir(), 'hm-sshhome-'));
  mkdirSync(join(elsewhere, '.ssh'));
  writeFileSync(join(elsewhere, '.ssh', 'config'), 'Host hm-only-in-home\n  HostName 10.1.2.3\n');
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

  it('real ssh ignores $HOME for ~/.ssh/config, so Harbormaster reads the account home too', () => {
    // The premise, asked of the real ssh: with HOME elsewhere it does not read HOME's config.
    const g = spawnSync('ssh', ['-G', '--', 'hm-only-in-home'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: elsewhere },
      encoding: 'utf8',
    });
    expect(g.status).toBe(0);
    expect(g.stdout).toMatch(/^hostname hm-only-in-home$/m);
    // So the hosts we list come from the same file ssh resolves them in.
    const cfg = sshUserConfig({ HOME: elsewhere });
    expect(cfg.file).toBe(join(userInfo().homedir, '.ssh', 'config'));
    expect(cfg.home).toBe(userInfo().homedir);
    expect(cfg.override).toBeNull();
  });

  it('HARBORMASTER_SSH_CONFIG overrides it (and is handed to ssh with -F)', () => {
    const file = join(elsewhere, '.ssh', 'config');
    expect(sshUserConfig({ HOME: elsewhere, HARBORMASTER_SSH_CONFIG: file })).toMatchObject({
      file,
      override: file,
    });
  });
});
