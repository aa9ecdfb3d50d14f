import { checkAlias } from '../../remote/alias.js';
import { fingerprintsIn, startTrust } from '../../remote/host-trust.js';
import { commandArgs } from '../parse-args.js';
import type { CliCommand } from '../types.js';
import {
  EXIT_HOST_FAILED,
  SSH_CONFIG_ENV,
  cliHost,
  printHostFailure,
  runtimeDirOf,
  sshConfigOf,
} from './remote-context.js';

const TRUST_USAGE = `Usage: harbormaster trust ALIAS [--fingerprint SHA256:…]

Trusts the host key of the ssh host ALIAS when ssh stops on an unknown key, the way the window's
"Trust this host…" does: one ssh run asks its host-key question through Harbormaster's askpass
helper, the fingerprint is checked against the one the refused connection reported, and it is
shown here. Type yes (or paste the fingerprint) to add the key to your known_hosts; anything else
answers no. A CHANGED key is never offered: verify it with the host's owner and run "ssh ALIAS".
Any other question ssh asks (a passphrase) is answered no: Harbormaster never collects secrets.
  --fingerprint SHA256:…   answer without a terminal: trust only a key with exactly this fingerprint
Environment: ${SSH_CONFIG_ENV}=file   use this ssh config (ssh -F) instead of ~/.ssh/config
Exit code: 0 trusted (or already trusted), 1 not trusted or the host failed, 2 bad arguments.`;

/** `harbormaster trust ALIAS`: host-key trust in the terminal, same checks as the window. */
export const trustCommand: CliCommand = {
  name: 'trust',
  summary: "trust an ssh host's unknown key after checking its fingerprint",
  usage: TRUST_USAGE,
  async run(args, ctx) {
    const parsed = commandArgs(ctx.stderr, TRUST_USAGE, args, { options: ['fingerprint'] });
    if (parsed === null) return 2;
    const [aliasText] = parsed.positionals;
    const alias = checkAlias(aliasText ?? '');
    if (parsed.positionals.length !== 1 || !alias.ok)
      return (ctx.stderr(`${alias.ok ? '' : `Refusing host alias: ${alias.reason}\n\n`}${TRUST_USAGE}\n`), 2);
    const given = parsed.options.get('fingerprint');
    if (given !== undefined && fingerprintsIn(given)[0] !== given)
      return (ctx.stderr(`--fingerprint takes one SHA256:… fingerprint.\n`), 2);
    if (given === undefined && ctx.prompt === null) {
      ctx.stderr(
        'Not trusting a key without an answer: stdin is not a terminal. Pass --fingerprint SHA256:….\n',
      );
      return 1;
    }
    const dir = runtimeDirOf(ctx);
    if (dir === null) return EXIT_HOST_FAILED;
    // The same refused background connection the window shows first: only an unknown key goes on.
    const host = cliHost(ctx, alias.alias, dir, 5);
    const c = await host.connect();
    if (c.ok) {
      await host.disconnect();
      ctx.stdout(`The host key of ${alias.alias} is already trusted: ssh connects without asking.\n`);
      return 0;
    }
    if (c.failure.state !== 'host-key-unknown' || c.failure.fingerprint === undefined)
      return (printHostFailure(ctx, alias.alias, c.failure), EXIT_HOST_FAILED);
    const flow = startTrust({
      alias: alias.alias,
      configFile: sshConfigOf(ctx).override,
      runtimeDir: dir,
      env: ctx.env,
      reportedFingerprint: c.failure.fingerprint,
      ...(ctx.env.HARBORMASTER_SSH ? { ssh: ctx.env.HARBORMASTER_SSH } : {}),
    });
    const q = await flow.question;
    if (!q.ok) {
      flow.cancel();
      ctx.stderr(`${q.error.message}\n`);
      return 1;
    }
    ctx.stdout(
      [
        `${alias.alias}: ssh asks whether to trust the unknown host key of ${q.value.host}.`,
        `  ssh shows:                      ${q.value.fingerprint}`,
        `  the refused connection reported: ${q.value.reportedFingerprint}`,
        "Trust it only if this is the fingerprint the host's owner gave you (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).",
        '',
      ].join('\n'),
    );
    let accept: boolean;
    if (given !== undefined) {
      accept = given === q.value.fingerprint;
      if (!accept) ctx.stderr(`--fingerprint ${given} is not the key ssh shows: answering no.\n`);
    } else {
      const reply = (
        (await ctx.prompt?.('Trust this key? Type yes or paste the fingerprint [no]: ')) ?? ''
      ).trim();
      accept = reply === 'yes' || reply === q.value.fingerprint;
    }
    const out = await flow.answer(accept);
    if (!out.ok) return (ctx.stderr(`${out.error.message}\n`), 1);
    (out.value.recorded ? ctx.stdout : ctx.stderr)(`${out.value.message}\n`);
    for (const p of out.value.refusedPrompts) ctx.stderr(`ssh also asked (answered no): ${p}\n`);
    return out.value.recorded ? 0 : 1;
  },
};
