import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../contract/dispatch.js';
import { CHANNELS, createApiClient, type CallFn } from '../contract/methods.js';
import { createHarbormasterService } from '../service/create-service.js';
import type { HarbormasterService } from '../service/types.js';
import { SERVERS, startNode, stopAll, type ServerProc } from './test-support/run-cli.js';

// `why` and `portHistory` on the one contract: a real service (real scans, real history in a temp
// folder), reached through the generic client and dispatcher every transport is built from.
const dataDir = mkdtempSync(join(tmpdir(), 'h-why-api-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const servers: ServerProc[] = [];
const services: HarbormasterService[] = [];
afterEach(async () => {
  await stopAll(servers);
  await Promise.all(services.splice(0).map((s) => s.dispose()));
});

async function client(env: NodeJS.ProcessEnv) {
  const service = await createHarbormasterService({
    startPolling: false,
    autoProbe: false,
    containers: null,
    face: 'test',
    env,
  });
  services.push(service);
  const sent: string[] = [];
  const call: CallFn = async (method, arg) => {
    sent.push(CHANNELS[method]);
    // Through JSON, as on the wire: the diagnosis must survive serialisation.
    const outcome = await dispatch(service, method, JSON.parse(JSON.stringify(arg ?? null)) ?? undefined);
    if (outcome.kind === 'error') throw new Error(outcome.error.message);
    return JSON.parse(JSON.stringify(outcome.result)) as never;
  };
  return { api: createApiClient(call), service, sent };
}

describe('why on the contract', () => {
  it('diagnoses a pasted URL: reachable, verdict first, on channel port:why', async () => {
    const s = await startNode(SERVERS.http, { HOST: '127.0.0.1' });
    servers.push(s);
    const { api, sent } = await client({ ...process.env, HARBORMASTER_HISTORY: 'off' });
    const r = await api.why({ target: `http://127.0.0.1:${s.port}/` });
    expect(r.ok && r.value.reachable).toBe(true);
    expect(r.ok && r.value.verdict).toMatch(/^Reachable: .*HTTP 200 "Home"/);
    expect(sent).toEqual(['port:why']);
  });

  it('says why nothing answers: refused, with the finding, evidence and fix', async () => {
    const s = await startNode(SERVERS.http, { HOST: '127.0.0.1' });
    const port = s.port;
    await stopAll([s]);
    const { api } = await client({ ...process.env, HARBORMASTER_HISTORY: 'off' });
    const r = await api.why({ target: `127.0.0.1:${port}` });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.reachable).toBe(false);
    expect(r.value.verdict).toMatch(/^Not reachable: /);
    expect(r.value.attempts[0]?.result).toBe('refused');
    const nothing = r.value.findings.find((f) => f.id === 'nothing-listening');
    expect(nothing?.evidence.length).toBeGreaterThan(0);
    expect(nothing?.fix.length).toBeGreaterThan(0);
  });

  it('refuses bad input as values: an invalid port, another machine, an oversized or extra field', async () => {
    const { service } = await client({ ...process.env, HARBORMASTER_HISTORY: 'off' });
    expect(await dispatch(service, 'why', { target: 'localhost:619009' })).toMatchObject({
      kind: 'result',
      result: { ok: false, error: { code: 'INVALID_PORT', message: expect.stringMatching(/1–65535/) } },
    });
    expect(await dispatch(service, 'why', { target: 'example.com:80' })).toMatchObject({
      result: { ok: false, error: { message: expect.stringMatching(/this machine only/) } },
    });
    expect(await dispatch(service, 'why', { target: 'x'.repeat(3000) })).toMatchObject({
      result: { ok: false, error: { code: 'INVALID_REQUEST' } },
    });
    expect(await dispatch(service, 'why', { target: '80', cmd: 'rm' })).toMatchObject({
      result: { ok: false, error: { code: 'INVALID_REQUEST' } },
    });
  });
});

describe('portHistory on the contract', () => {
  it('remembers a server that came and went, newest first, from the service’s own scans', async () => {
    const env = { ...process.env, HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_HISTORY: 'on' };
    const { api, service } = await client(env);
    const s = await startNode(SERVERS.http, { HOST: '127.0.0.1' });
    servers.push(s);
    await service.lookup({ port: s.port }); // a scan: the service records what it saw
    await stopAll(servers);
    await service.lookup({ port: s.port });
    const r = await api.portHistory({ port: s.port });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.events.map((e) => e.event)).toEqual(['close', 'open']);
    expect(r.value.events[1]?.owner).toMatchObject({ kind: 'process', pid: s.pid, name: 'node' });
    expect(r.value.coversFrom).not.toBeNull();
    const off = await (
      await client({ ...env, HARBORMASTER_HISTORY: 'off' })
    ).api.portHistory({ port: s.port });
    expect(off.ok && off.value.note).toMatch(/off/);
    expect(await dispatch(service, 'portHistory', { port: 619009 })).toMatchObject({
      result: { ok: false, error: { code: 'INVALID_PORT' } },
    });
  });
});
