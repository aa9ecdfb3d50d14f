import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentHello } from './agent-protocol.js';
import { startAgentClient, type AgentClient } from './agent-client.js';
import { readAgentSnapshot } from './agent-snapshot.js';

// The client half without ssh: the same spawn, hello check and line reading, against the real
// `harbormaster agent --stdio` and against small hostile peers (`node -e`).

const repo = resolve(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'harbormaster.js');
const built = existsSync(join(repo, 'dist', 'cli', 'harbormaster.js'));
if (!built) console.log('agent-client.test: real-agent case SKIPPED, the CLI is not built (npm run build)');

const peer = (source: string) =>
  startAgentClient({
    command: process.execPath,
    argv: ['-e', source],
    env: process.env,
    helloTimeoutMs: 10_000,
  });
const hello = JSON.stringify(agentHello());

describe('startAgentClient', () => {
  it.skipIf(!built)(
    'talks to the real agent: hello, a snapshot it can read, a refused call; closing ends it',
    async () => {
      const r = await startAgentClient({
        command: process.execPath,
        argv: [bin, 'agent', '--stdio'],
        env: process.env,
      });
      expect(r.ok).toBe(true);
      const client = (r as { client: AgentClient }).client;
      try {
        expect(client.hello).toEqual(agentHello());
        const snap = await client.call('getSnapshot', undefined, 20_000);
        expect(snap.ok).toBe(true);
        const read = readAgentSnapshot(snap.ok ? snap.result : null);
        expect(read.ok).toBe(true);
        const bad = await client.call(
          'kill',
          { listenerId: 'x', pid: -1, startToken: '1', mode: 'graceful' },
          20_000,
        );
        expect(bad).toMatchObject({ ok: true, result: { ok: false, error: { code: 'INVALID_PID' } } });
        expect(client.alive).toBe(true);
      } finally {
        client.close();
      }
      expect(client.alive).toBe(false);
      expect(await client.call('getVersion', undefined, 1000)).toMatchObject({ ok: false });
    },
    30_000,
  );

  it('exit 127 before a hello: harbormaster is not on the remote PATH', async () => {
    expect(await peer('process.exit(127)')).toMatchObject({ ok: false, kind: 'absent' });
  });

  it('another major version is refused and the peer is ended', async () => {
    const r = await peer(
      `console.log(${JSON.stringify(JSON.stringify({ ...agentHello(), app: '42.0.0' }))}); setInterval(() => {}, 1e6)`,
    );
    expect(r).toMatchObject({
      ok: false,
      kind: 'mismatch',
      reason: expect.stringMatching(/42\.0\.0.*major/),
    });
  });

  it('a peer that says nothing times out; one that prints other text first is refused', async () => {
    const silent = await startAgentClient({
      command: process.execPath,
      argv: ['-e', 'setInterval(() => {}, 1e6)'],
      env: process.env,
      helloTimeoutMs: 300,
    });
    expect(silent).toMatchObject({
      ok: false,
      kind: 'failed',
      reason: expect.stringMatching(/hello in time/),
    });
    expect(await peer(`console.log('Welcome to my shell'); setInterval(() => {}, 1e6)`)).toMatchObject({
      ok: false,
      kind: 'mismatch',
    });
  });

  it('a call the peer never answers fails at its deadline and drops the agent (the next poll restarts it)', async () => {
    const r = await peer(`console.log(${JSON.stringify(hello)}); setInterval(() => {}, 1e6)`);
    if (!r.ok) throw new Error(r.reason);
    expect(await r.client.call('getSnapshot', undefined, 200)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/in time/),
    });
    expect(r.client.alive).toBe(false);
  });

  it('answers by id; an error answer is cleaned; a non-JSON line drops the agent', async () => {
    const r = await peer(`
console.log(${JSON.stringify(hello)});
require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => {
  const c = JSON.parse(l);
  if (c.id === 1) console.log(JSON.stringify({ type: 'error', id: 1, error: { code: 'X', message: 'bad\\u001b[2J thing' } }));
  else console.log('garbage');
});`);
    if (!r.ok) throw new Error(r.reason);
    const e = await r.client.call('getVersion', undefined, 5000);
    expect(e).toMatchObject({ ok: false });
    expect(!e.ok && e.message).toBe('bad thing');
    expect(await r.client.call('getVersion', undefined, 5000)).toMatchObject({
      ok: false,
      message: /not JSON/,
    });
    expect(r.client.alive).toBe(false);
  });
});
