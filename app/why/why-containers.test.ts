import { afterAll, describe, expect, it } from 'vitest';
import { createContainerCatalog } from '../containers/catalog.js';
import { until } from '../containers/test-support/container-suite.js';
import { freePort, startDockerHarness } from '../containers/test-support/docker-harness.js';
import type { Diagnosis } from '../model/diagnosis.js';
import { createHarbormasterService } from '../service/create-service.js';
import type { HarbormasterService } from '../service/types.js';

// Issue 13 item 9 against a private dockerd (app/containers/test-support/docker-harness.ts): the
// real engine client and catalog feed the container findings of `why`.
const setup = await startDockerHarness({ userlandProxy: true });
if (!setup.ok) console.warn(`SKIPPED why container findings: ${setup.reason}`);
const h = setup.ok ? setup.harness : null;
const services: HarbormasterService[] = [];
afterAll(async () => {
  await Promise.all(services.map((s) => s.dispose()));
  await h?.stop();
}, 60_000);

async function service(): Promise<HarbormasterService> {
  if (!h) throw new Error('no harness');
  const s = await createHarbormasterService({
    autoProbe: false,
    startPolling: false,
    history: null,
    env: { ...process.env, HARBORMASTER_HISTORY: 'off' },
    containers: createContainerCatalog({ socketPath: h.socketPath, ttlMs: 0, insideMaxAgeMs: 0 }),
  });
  services.push(s);
  return s;
}

async function whyUntil(s: HarbormasterService, target: string, id: string): Promise<Diagnosis> {
  const d = await until(
    async () => {
      const r = await s.why({ target, timeoutMs: 1000 });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    },
    (v) => v.findings.some((f) => f.id === id),
    20_000,
  );
  return d;
}

describe.skipIf(!h)('why: container findings (real dockerd)', () => {
  it('a container that listens inside but does not publish the port', async () => {
    const port = await freePort();
    await h!.run({
      name: 'hmtest-containers-why-unpub',
      cmd: ['httpd', '-f', '-p', String(port), '-h', '/'],
    });
    const d = await whyUntil(await service(), `127.0.0.1:${port}`, 'container-not-published');
    expect(d.reachable).toBe(false);
    const f = d.findings.find((x) => x.id === 'container-not-published');
    expect(f?.title).toContain('hmtest-containers-why-unpub');
    expect(f?.fix[0]).toContain(`-p 127.0.0.1:${port}:${port}`);
  }, 60_000);

  it('a published port whose app inside listens on 127.0.0.1 only', async () => {
    const port = await freePort();
    await h!.run({
      name: 'hmtest-containers-why-lo',
      cmd: ['httpd', '-f', '-p', '127.0.0.1:80', '-h', '/'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    });
    const d = await whyUntil(await service(), `127.0.0.1:${port}`, 'container-loopback-only');
    const f = d.findings.find((x) => x.id === 'container-loopback-only');
    expect(f?.evidence.join(' ')).toContain('inside: tcp 127.0.0.1:80');
    expect(f?.fix[0]).toContain('0.0.0.0:80');
  }, 60_000);

  it('a restarting container that publishes the port is named, with docker logs', async () => {
    const port = await freePort();
    // Exits at once; Docker restarts it (with a growing back-off): between runs NetworkSettings.Ports
    // is empty, and only HostConfig.PortBindings says it publishes the port.
    const id = await h!.run({
      name: 'hw-restarting',
      cmd: ['sh', '-c', 'exit 3'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
      restart: 'always',
    });
    const d = await whyUntil(await service(), `127.0.0.1:${port}`, 'container-stopped');
    expect(d.reachable).toBe(false);
    const f = d.findings.find((x) => x.id === 'container-stopped');
    expect(f?.title).toMatch(
      new RegExp(`^Container hw-restarting .* publishes port ${port} but is restarting$`),
    );
    expect(f?.evidence.join(' ')).toContain(`publishes 127.0.0.1:${port} → 80/tcp`);
    expect(f?.fix).toEqual([`docker logs ${id.slice(0, 12)}`]);
    // It ranks first: the cause, before "nothing listens".
    expect(d.findings[0]?.id).toBe('container-stopped');
  }, 60_000);

  // The catalog lists running containers only; `why` asks the engine for stopped ones on failure.
  it('an exited container that publishes the port is named, with docker start', async () => {
    const port = await freePort();
    const id = await h!.run({
      name: 'hw-exited',
      cmd: ['sh', '-c', 'exit 0'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    });
    await until(
      async () => (await h!.api('GET', `/containers/${id}/json`)).body,
      (body) => /"Status":"exited"/.test(body),
      20_000,
    );
    const d = await whyUntil(await service(), `127.0.0.1:${port}`, 'container-stopped');
    expect(d.reachable).toBe(false);
    const f = d.findings.find((x) => x.id === 'container-stopped');
    expect(f?.title).toMatch(new RegExp(`^Container hw-exited .* publishes port ${port} but is exited$`));
    expect(f?.fix).toEqual([`docker logs ${id.slice(0, 12)}`, `docker start ${id.slice(0, 12)}`]);
    expect(d.findings[0]?.id).toBe('container-stopped');
  }, 60_000);

  // A paused container keeps its live bindings.
  it('a paused container that publishes the port', async () => {
    const port = await freePort();
    const id = await h!.run({
      name: 'hmtest-containers-why-paused',
      cmd: ['httpd', '-f', '-p', '80', '-h', '/'],
      ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
    });
    expect((await h!.api('POST', `/containers/${id}/pause`)).status).toBe(204);
    const d = await whyUntil(await service(), `127.0.0.1:${port}`, 'container-stopped');
    expect(d.reachable).toBe(false);
    const f = d.findings.find((x) => x.id === 'container-stopped');
    expect(f?.title).toMatch(/Container hmtest-containers-why-paused .* publishes port \d+ but is paused/);
    expect(f?.fix).toEqual([`docker unpause ${id.slice(0, 12)}`]);
    await h!.api('POST', `/containers/${id}/unpause`);
  }, 60_000);
});
