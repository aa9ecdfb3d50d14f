import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../contract/schemas.js';
import { createRemoteHosts } from './remote-hosts-service.js';

const HOSTILE = '-oProxyCommand=touch /tmp/hr2-pwned';

describe('hosts added in settings pass the strict alias rule before anything is spawned', () => {
  it('updateSettings refuses a hostile added or pinned host', () => {
    for (const key of ['hosts', 'pinnedHosts'] as const) {
      const r = parseRequest('updateSettings', { [key]: ['devbox', HOSTILE] });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('INVALID_REQUEST');
    }
    expect(parseRequest('updateSettings', { hosts: ['dev@10.0.0.5', 'devbox'] }).ok).toBe(true);
  });

  // A recording `ssh` first on PATH: it proves what was (and was not) spawned.
  const dir = mkdtempSync(join(tmpdir(), 'hr2-userhosts-'));
  const log = join(dir, 'spawned.txt');
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexit 255\n`);
  chmodSync(join(dir, 'ssh'), 0o755);
  const env = {
    PATH: `${dir}:/usr/bin:/bin`,
    HOME: dir,
    XDG_RUNTIME_DIR: dir,
    HARBORMASTER_SSH_CONFIG: join(dir, 'none'),
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the service lists added hosts, drops a hostile one, and never spawns ssh for it', async () => {
    const hosts = createRemoteHosts({
      env,
      settings: () => ({ hosts: ['dev@10.9.9.9', HOSTILE], pinnedHosts: [HOSTILE] }),
    });
    const list = await hosts.listHosts();
    expect(list.hosts).toEqual([{ alias: 'dev@10.9.9.9', added: true, pinned: false }]);
    hosts.applySettings();
    const refused = await hosts.getHost({ alias: HOSTILE });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('INVALID_REQUEST');
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(log)).toBe(false);
    // Peeking (the tray) at a host nobody opened starts nothing either.
    const peek = await hosts.getHost({ alias: 'dev@10.9.9.9', peek: true });
    expect(peek.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(log)).toBe(false);
    // The recorder works: a valid added host does reach it (with `--` before the destination).
    await hosts.getHost({ alias: 'dev@10.9.9.9' });
    for (let i = 0; i < 100 && !existsSync(log); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(log)).toBe(true);
    await hosts.dispose();
  });
});
