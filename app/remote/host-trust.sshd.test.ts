import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAlias, type HostAlias } from './alias.js';
import { startTrust, type TrustFlowOptions } from './host-trust.js';
import { createRemoteHost } from './remote-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';

const why = sshdUnavailable();
if (why) console.log(`host-trust.sshd.test: SKIPPED, ${why}`);

const alias = (a: string): HostAlias => {
  const c = checkAlias(a);
  if (!c.ok) throw new Error(c.reason);
  return c.alias;
};

describe.skipIf(why !== null)('"Trust this host…": a real ssh, the shipped helper, the fixture sshd', () => {
  let fx: SshdFixture;
  /** A client config of its own with an empty known_hosts, so only these tests write to it. */
  let config: string;
  let knownHosts: string;
  let runtimeDir: string;
  /** The fixture host key's fingerprint, as `ssh-keygen -l` prints it. */
  let hostFp: string;
  let otherFp: string;
  const fingerprintOf = (pub: string) =>
    /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-l', '-f', pub], { encoding: 'utf8' }))?.[0] ?? '';
  const lines = () =>
    readFileSync(knownHosts, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  const flow = (a: string, extra: Partial<TrustFlowOptions> = {}) =>
    startTrust({
      alias: alias(a),
      configFile: config,
      runtimeDir,
      env: fx.env,
      reportedFingerprint: `ssh-ed25519 ${hostFp}`,
      ...extra,
    });

  beforeAll(async () => {
    fx = await createSshdFixture('ht');
    knownHosts = join(fx.dir, 'trust_known_hosts');
    writeFileSync(knownHosts, '');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      'a passphrase',
      '-C',
      'hr',
      '-f',
      join(fx.dir, 'id_locked'),
    ]);
    writeFileSync(join(fx.dir, 'authorized_keys'), readFileSync(join(fx.dir, 'id_locked.pub')), {
      flag: 'a',
    });
    hostFp = fingerprintOf(join(fx.dir, 'host_key.pub'));
    otherFp = fingerprintOf(join(fx.dir, 'wrong_key.pub'));
    const host = (name: string, key = 'id_user') => [
      `Host ${name}`,
      `  HostName ${fx.targetIp}`,
      `  HostKeyAlias ${name}-key`,
      '  User root',
      `  IdentityFile ${fx.dir}/${key}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  ConnectTimeout 10',
    ];
    config = join(fx.dir, 'trust_config');
    writeFileSync(
      config,
      [
        ...host('ht-no'),
        ...host('ht-yes'),
        ...host('ht-late'),
        ...host('ht-mismatch'),
        ...host('ht-locked', 'id_locked'),
        ...host('ht-locked-known', 'id_locked'),
        ...host('ht-changed'),
      ].join('\n') + '\n',
    );
    // Two hosts whose keys are already in known_hosts: one with the right key, one with a wrong one.
    const pub = (k: string) =>
      readFileSync(join(fx.dir, `${k}.pub`), 'utf8')
        .split(' ')
        .slice(0, 2)
        .join(' ');
    writeFileSync(knownHosts, `ht-locked-known-key ${pub('host_key')}\nht-changed-key ${pub('wrong_key')}\n`);
    runtimeDir = mkdtempSync(join(fx.dir, 'rt-'));
  }, 60_000);
  afterAll(() => fx?.destroy());

  it('the background poll reports the same fingerprint ssh will ask about', async () => {
    const poll = createRemoteHost({ alias: alias('ht-no'), configFile: config, runtimeDir, env: fx.env });
    const c = await poll.connect();
    expect(c.ok).toBe(false);
    if (!c.ok)
      expect(c.failure).toMatchObject({ state: 'host-key-unknown', fingerprint: `ssh-ed25519 ${hostFp}` });
  }, 60_000);

  it('"no" leaves known_hosts untouched', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const f = flow('ht-no');
    const q = await f.question;
    expect(q).toMatchObject({
      ok: true,
      value: { alias: 'ht-no', fingerprint: hostFp, reportedFingerprint: hostFp },
    });
    if (q.ok) expect(q.value.prompt).toMatch(/authenticity of host 'ht-no-key/);
    const out = await f.answer(false);
    expect(out).toMatchObject({ ok: true, value: { answer: 'no', recorded: false } });
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  }, 60_000);

  it('"yes" writes exactly one known_hosts line, and the host then connects in BatchMode', async () => {
    const before = lines();
    const f = flow('ht-yes');
    expect((await f.question).ok).toBe(true);
    const out = await f.answer(true);
    expect(out).toMatchObject({ ok: true, value: { answer: 'yes', recorded: true, refusedPrompts: [] } });
    const after = lines();
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatch(/^ht-yes-key ssh-ed25519 /);
    const poll = createRemoteHost({
      alias: alias('ht-yes'),
      configFile: config,
      runtimeDir,
      env: fx.env,
      persist: 5,
    });
    expect(await poll.connect()).toEqual({ ok: true, value: undefined });
    await poll.disconnect();
  }, 60_000);

  it('a fingerprint that differs from the reported one is refused: answered no, nothing written', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const f = flow('ht-mismatch', { reportedFingerprint: `ssh-ed25519 ${otherFp}` });
    const q = await f.question;
    expect(q).toMatchObject({ ok: false, error: { code: 'TRUST_REFUSED' } });
    if (!q.ok) expect(q.error.message).toContain(otherFp);
    expect((await f.answer(true)).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  }, 60_000);

  it('a changed key never offers trust: ssh refuses it without a question', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const q = await flow('ht-changed').question;
    expect(q).toMatchObject({ ok: false, error: { code: 'TRUST_REFUSED' } });
    if (!q.ok) expect(q.error.message).toMatch(/HAS CHANGED/);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  }, 60_000);

  it('a question left unanswered past the deadline is refused, and nothing is written', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const f = flow('ht-late', { deadlineMs: 3_000 });
    expect((await f.question).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 4_000));
    const out = await f.answer(true);
    expect(out.ok).toBe(false);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  }, 60_000);

  it('a passphrase prompt as the first question is answered no and reported, never shown as a field', async () => {
    const q = await flow('ht-locked-known').question;
    expect(q).toMatchObject({ ok: false, error: { code: 'TRUST_REFUSED' } });
    if (!q.ok)
      expect(q.error.message).toMatch(/Enter passphrase for key .*id_locked.*never collects secrets/s);
  }, 60_000);

  it('a passphrase prompt after "yes" is refused and reported; the key is still recorded', async () => {
    const f = flow('ht-locked');
    expect((await f.question).ok).toBe(true);
    const out = await f.answer(true);
    expect(out).toMatchObject({ ok: true, value: { recorded: true } });
    if (out.ok) {
      expect(out.value.refusedPrompts.join('\n')).toMatch(/Enter passphrase for key/);
      expect(out.value.message).toMatch(/could not log in without a prompt/);
    }
    expect(lines().filter((l) => l.startsWith('ht-locked-key '))).toHaveLength(1);
  }, 60_000);
});
