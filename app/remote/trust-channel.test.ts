import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findAskpassHelper,
  openTrustChannel,
  type ChannelRequest,
  type RefusalReason,
} from './trust-channel.js';

/** Runs the channel's helper copy the way ssh does (argv[1] = prompt) with `env`; its stdout and exit code. */
function runHelper(
  helper: string,
  prompt: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(helper, [prompt], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const why = process.platform === 'win32' ? 'no POSIX sh / mkfifo on Windows' : null;
if (why) console.log(`trust-channel.test: SKIPPED, ${why}`);

describe.skipIf(why !== null)('the SSH_ASKPASS trust channel (real helper, real FIFOs)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const runtime = () => {
    const d = mkdtempSync(join(tmpdir(), 'hm-trust-'));
    dirs.push(d);
    return d;
  };
  const open = (deadlineMs = 60_000) => {
    const requests: ChannelRequest[] = [];
    const refused: { reason: RefusalReason; prompt: string | null }[] = [];
    const channel = openTrustChannel({
      runtimeDir: runtime(),
      deadlineMs,
      onRequest: (r) => requests.push(r),
      onRefused: (reason, prompt) => refused.push({ reason, prompt }),
    });
    return { channel, requests, refused };
  };

  it('ships the helper in the package, and runs a private 0700 copy from a 0700 folder', () => {
    const source = findAskpassHelper();
    expect(source).not.toBeNull();
    const { channel } = open();
    expect(statSync(channel.helper).mode & 0o777).toBe(0o700);
    expect(statSync(channel.env.HARBORMASTER_ASKPASS_DIR).mode & 0o777).toBe(0o700);
    expect(channel.env.HARBORMASTER_ASKPASS_TOKEN).toMatch(/^[0-9a-f]{64}$/);
    channel.close();
    expect(existsSync(channel.env.HARBORMASTER_ASKPASS_DIR)).toBe(false);
  });

  it('hands on the prompt (multi-line) and the helper prints exactly the answer', async () => {
    const { channel, requests } = open();
    const prompt = "The authenticity of host 'x' can't be established.\nAre you sure (yes/no)? ";
    const run = runHelper(channel.helper, prompt, channel.env);
    for (let i = 0; i < 200 && requests.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(requests.map((r) => r.prompt)).toEqual([prompt]);
    requests[0]?.reply('no');
    expect(await run).toEqual({ code: 0, out: 'no\n' });
    channel.close();
  });

  it('refuses a request without the token: the helper prints nothing, exits 1, and the channel ends', async () => {
    const { channel, requests, refused } = open();
    const bad = await runHelper(channel.helper, 'question', {
      ...channel.env,
      HARBORMASTER_ASKPASS_TOKEN: 'f'.repeat(64),
    });
    expect(bad).toEqual({ code: 1, out: '' });
    expect(requests).toEqual([]);
    expect(refused).toEqual([{ reason: 'token', prompt: null }]);
    expect(existsSync(channel.env.HARBORMASTER_ASKPASS_DIR)).toBe(false);
  });

  it('refuses a second (replayed) request with the same token', async () => {
    const { channel, requests, refused } = open();
    const first = runHelper(channel.helper, 'first', channel.env);
    for (let i = 0; i < 200 && requests.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    requests[0]?.reply('yes');
    expect(await first).toEqual({ code: 0, out: 'yes\n' });
    expect(await runHelper(channel.helper, 'first', channel.env)).toEqual({ code: 1, out: '' });
    expect(requests).toHaveLength(1);
    expect(refused).toEqual([{ reason: 'second', prompt: 'first' }]);
    channel.close();
  });

  it('after the deadline a pending question is refused, and so is any new request', async () => {
    const { channel, requests, refused } = open(400);
    const pending = runHelper(channel.helper, 'slow', channel.env);
    for (let i = 0; i < 200 && requests.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(await pending).toEqual({ code: 1, out: '' });
    requests[0]?.reply('yes'); // too late: nothing more is written
    expect(await runHelper(channel.helper, 'later', channel.env)).toEqual({ code: 1, out: '' });
    expect(refused).toEqual([{ reason: 'late', prompt: 'later' }]);
    channel.close();
  });

  it('a helper without the channel in its environment prints nothing and exits 1', async () => {
    const { channel } = open();
    expect(await runHelper(channel.helper, 'q', {})).toEqual({ code: 1, out: '' });
    channel.close();
  });

  it('a runtime folder mounted noexec (a hardened /tmp): ssh gets the shipped helper, which still answers', async (ctx) => {
    const mnt = join(runtime(), 'noexec');
    mkdirSync(mnt, { mode: 0o700 });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'noexec,mode=700,size=1m', 'tmpfs', mnt]);
    if (mounted.status !== 0) {
      console.log(
        `trust-channel.test: noexec case SKIPPED, cannot mount a tmpfs here (${mounted.stderr.toString().trim()})`,
      );
      ctx.skip();
    }
    try {
      const requests: ChannelRequest[] = [];
      const channel = openTrustChannel({
        runtimeDir: mnt,
        onRequest: (r) => requests.push(r),
        onRefused: () => undefined,
      });
      expect(channel.helper).toBe(findAskpassHelper());
      const run = runHelper(channel.helper, 'q', channel.env);
      for (let i = 0; i < 200 && requests.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
      requests[0]?.reply('yes');
      expect(await run).toEqual({ code: 0, out: 'yes\n' });
      channel.close();
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});
