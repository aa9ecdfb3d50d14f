import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAlias, type HostAlias } from './alias.js';
import { startTrust, type TrustFlowOptions } from './host-trust.js';
import { main } from '../cli/main.js';
import { parseRequest } from '../contract/schemas.js';
import { createRemoteHost } from './remote-host.js';
import { createRemoteHosts } from './remote-hosts-service.js';
import { settledView } from './test-support/remote-fixture-host.js';
import { createSshdFixture, sshdUnavailable, type SshdFixture } from './test-support/sshd-fixture.js';

const why = sshdUnavailable();
if (why) console.log(`host-trust.sshd.test: SKIPPED, ${why}`);

const alias = (a: string): HostAlias => {
  const c = checkAlias(a);
  if (!c.ok) throw new Error(c.reason);
  return c.alias;
};

describe('the contract refuses a bad trust request before the service sees it', () => {
  it.each([
    ['beginTrust', { alias: '-oProxyCommand=touch /tmp/x' }],
    ['beginTrust', { alias: 'devbox', peek: true }],
    ['answerTrust', { id: '../x', accept: true }],
    ['answerTrust', { id: 'abc', accept: 'yes' }],
  ] as const)('%s %j → INVALID_REQUEST', (method, payload) => {
    const r = parseRequest(method, payload);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

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
    const host = (name: string, key = 'id_user', known = knownHosts) => [
      `Host ${name}`,
      `  HostName ${fx.targetIp}`,
      `  HostKeyAlias ${name}-key`,
      '  User root',
      `  IdentityFile ${fx.dir}/${key}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${known}`,
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
        ...host('ht-intruder'),
        ...host('ht-mismatch'),
        ...host('ht-locked', 'id_locked'),
        ...host('ht-locked-known', 'id_locked'),
        ...host('ht-changed'),
        ...host('ht-service'),
        ...host('ht-cli'),
        // A known_hosts ssh cannot write (its folder does not exist).
        ...host('ht-nowrite', 'id_user', join(fx.dir, 'no-such-dir', 'known_hosts')),
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
      value: {
        alias: 'ht-no',
        host: `ht-no-key (${fx.targetIp})`,
        fingerprint: hostFp,
        reportedFingerprint: hostFp,
      },
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

  it('"yes" that ssh could not write is reported as not recorded (checked by ssh itself, not its message)', async () => {
    const f = flow('ht-nowrite');
    expect((await f.question).ok).toBe(true);
    const out = await f.answer(true);
    expect(out).toMatchObject({ ok: true, value: { answer: 'yes', recorded: false } });
    if (out.ok) expect(out.value.message).toMatch(/ssh did not record the host key of ht-nowrite/);
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

  it('a request with a wrong token while ssh waits ends the channel: ssh is answered no, nothing written', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const own = mkdtempSync(join(fx.dir, 'rt-'));
    const f = flow('ht-intruder', { runtimeDir: own });
    expect((await f.question).ok).toBe(true);
    const dir = join(own, readdirSync(own).find((n) => n.startsWith('ask-')) ?? 'missing');
    // Asynchronously: the channel answers from this process's event loop.
    const intruder = spawn(join(dir, 'askpass'), ['yes please'], {
      env: {
        PATH: process.env.PATH,
        HARBORMASTER_ASKPASS_DIR: dir,
        HARBORMASTER_ASKPASS_TOKEN: '0'.repeat(64),
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let printed = '';
    intruder.stdout.on('data', (b: Buffer) => (printed += b.toString()));
    const code = await new Promise<number | null>((resolve) => intruder.on('close', resolve));
    expect({ code, printed }).toEqual({ code: 1, printed: '' });
    const out = await f.answer(true);
    expect(out.ok && out.value.recorded).toBe(false);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  }, 60_000);

  it('a question left unanswered past the deadline is refused, and nothing is written', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const f = flow('ht-late', { deadlineMs: 3_000 });
    expect((await f.question).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 4_000));
    const out = await f.answer(true);
    expect(out).toMatchObject({ ok: false, error: { code: 'TRUST_REFUSED' } });
    if (!out.ok) expect(out.error.message).toMatch(/3 s to answer ran out\): nothing was trusted/);
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

  describe('through the hosts service, as the window calls it', () => {
    it('offers trust only for an unknown key; "yes" makes the host connect and list its ports', async () => {
      const hosts = createRemoteHosts({
        env: { ...fx.env, HARBORMASTER_SSH_CONFIG: config },
        intervalMs: 500,
      });
      try {
        // Not opened yet: nothing to trust.
        expect(await hosts.beginTrust({ alias: 'ht-service' })).toMatchObject({
          ok: false,
          error: { code: 'INVALID_REQUEST' },
        });
        await hosts.getHost({ alias: 'ht-service' });
        expect(await settledView(hosts, 'ht-service')).toMatchObject({ state: 'host-key-unknown' });
        const q = await hosts.beginTrust({ alias: 'ht-service' });
        expect(q).toMatchObject({ ok: true, value: { fingerprint: hostFp, reportedFingerprint: hostFp } });
        if (!q.ok) return;
        // A second begin while the question is open is refused; a wrong id answers nothing.
        expect((await hosts.beginTrust({ alias: 'ht-service' })).ok).toBe(false);
        expect((await hosts.answerTrust({ id: 'not-the-id', accept: true })).ok).toBe(false);
        const out = await hosts.answerTrust({ id: q.value.id, accept: true });
        expect(out).toMatchObject({ ok: true, value: { recorded: true } });
        // Replaying the answer does nothing.
        expect((await hosts.answerTrust({ id: q.value.id, accept: true })).ok).toBe(false);
        const view = await settledView(hosts, 'ht-service');
        expect(view?.state).toBe('ok');
        expect(view?.listeners?.some((l) => l.port === 22)).toBe(true);
      } finally {
        await hosts.dispose();
      }
    }, 120_000);

    it('a host stopped for a CHANGED key is never offered trust, and no ssh asks anything', async () => {
      const hosts = createRemoteHosts({
        env: { ...fx.env, HARBORMASTER_SSH_CONFIG: config },
        intervalMs: 500,
      });
      const before = readFileSync(knownHosts, 'utf8');
      try {
        await hosts.getHost({ alias: 'ht-changed' });
        expect(await settledView(hosts, 'ht-changed')).toMatchObject({ state: 'host-key-changed' });
        const r = await hosts.beginTrust({ alias: 'ht-changed' });
        expect(r).toMatchObject({ ok: false, error: { code: 'TRUST_REFUSED', command: 'ssh ht-changed' } });
        expect(readFileSync(knownHosts, 'utf8')).toBe(before);
      } finally {
        await hosts.dispose();
      }
    }, 120_000);
  });

  describe('harbormaster trust ALIAS (the terminal face)', () => {
    const cli = async (argv: string[], answer: string | null) => {
      let out = '';
      let err = '';
      const asked: string[] = [];
      const code = await main(['trust', ...argv], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        prompt:
          answer === null
            ? null
            : async (q) => {
                asked.push(q);
                return answer;
              },
        env: { ...fx.env, HARBORMASTER_SSH_CONFIG: config, XDG_RUNTIME_DIR: runtimeDir },
      });
      return { code, out, err, asked };
    };

    it('shows both fingerprints; anything but yes leaves known_hosts untouched', async () => {
      const before = readFileSync(knownHosts, 'utf8');
      const r = await cli(['ht-cli'], 'y');
      expect(r.code).toBe(1);
      expect(r.out).toContain(`ssh shows:                      ${hostFp}`);
      expect(r.out).toContain(`the refused connection reported: ${hostFp}`);
      expect(r.asked).toHaveLength(1);
      expect(readFileSync(knownHosts, 'utf8')).toBe(before);
      const wrong = await cli(['ht-cli', '--fingerprint', otherFp], null);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toContain('is not the key ssh shows');
      expect(readFileSync(knownHosts, 'utf8')).toBe(before);
    }, 90_000);

    it('pasting the fingerprint trusts it; a second run says it is already trusted', async () => {
      const r = await cli(['ht-cli'], hostFp);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/was added to your known_hosts/);
      expect(lines().filter((l) => l.startsWith('ht-cli-key '))).toHaveLength(1);
      const again = await cli(['ht-cli'], null);
      expect(again).toMatchObject({ code: 1 }); // no terminal and no --fingerprint: refused before any ssh
      const check = await cli(['ht-cli', '--fingerprint', hostFp], null);
      expect(check.code).toBe(0);
      expect(check.out).toContain('already trusted');
    }, 90_000);

    it('a changed key is printed loudly and never asked about', async () => {
      const r = await cli(['ht-changed'], 'yes');
      expect(r.code).toBe(1);
      expect(r.asked).toEqual([]);
      expect(r.err).toMatch(/host key changed/);
    }, 90_000);
  });
});
