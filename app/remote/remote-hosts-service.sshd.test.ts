import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../contract/schemas.js';
import type { RemoteHostView } from '../model/remote-host.js';
import { createRemoteHosts, type RemoteHosts } from './remote-hosts-service.js';
import { settledView } from './test-support/remote-fixture-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';

const why = sshdUnavailable();
if (why) console.log(`remote-hosts-service.sshd.test: SKIPPED, ${why}`);

describe('the contract refuses a hostile alias before the service sees it', () => {
  it.each(['-oProxyCommand=touch /tmp/x', 'a b', 'x;id'])('getHost %j → INVALID_REQUEST', (alias) => {
    const r = parseRequest('getHost', { alias });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INVALID_REQUEST');
  });
  it('accepts a config alias', () => {
    expect(parseRequest('getHost', { alias: 'devbox' }).ok).toBe(true);
  });
});

describe.skipIf(why !== null)('the hosts service: config hosts, polled only once opened', () => {
  let fx: SshdFixture;
  let hosts: RemoteHosts;
  beforeAll(async () => {
    fx = await createSshdFixture();
    hosts = createRemoteHosts({
      env: { ...fx.env, HARBORMASTER_SSH_CONFIG: fx.configFile },
      intervalMs: 500,
    });
  }, 60_000);
  afterAll(async () => {
    await hosts?.dispose();
    fx?.destroy();
  });

  it('lists the config hosts without connecting, then an opened host goes connecting → ok with its listeners', async () => {
    const list = await hosts.listHosts();
    expect(list.hosts.map((h) => h.alias)).toContain('hr-target');
    const first = await hosts.getHost({ alias: 'hr-target' });
    expect(first).toMatchObject({ ok: true, value: { state: 'connecting', listeners: null } });
    let view: RemoteHostView | null = null;
    for (let i = 0; i < 600 && view?.state !== 'ok'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      const r = await hosts.getHost({ alias: 'hr-target' });
      if (r.ok) view = r.value;
    }
    expect(view?.state).toBe('ok');
    expect(view?.listeners?.some((l) => l.port === 22 && l.holder?.name === 'sshd')).toBe(true);
  }, 90_000);

  it('a host with an unknown key shows that state, never an empty listing', async () => {
    await hosts.getHost({ alias: 'hr-stranger' });
    const view = await settledView(hosts, 'hr-stranger');
    expect(view).toMatchObject({ state: 'host-key-unknown', listeners: null, nextRetryMs: null });
  }, 90_000);
});
