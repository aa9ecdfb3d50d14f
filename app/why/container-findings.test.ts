import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../model/container.js';
import { containerFindings } from './container-findings.js';
import type { WhyFacts } from './types.js';

// The states a test cannot hold still (a restarting container flips between runs).
const base: ContainerInfo = {
  id: 'a'.repeat(64),
  shortId: 'a'.repeat(12),
  name: 'web',
  image: 'busybox',
  state: 'restarting',
  health: null,
  composeProject: null,
  composeService: null,
  restartPolicy: 'always',
  pid: null,
  ips: [],
  published: [{ protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, listenerIds: [] }],
  inside: null,
};
function facts(c: ContainerInfo): WhyFacts {
  return {
    target: { input: '8080', host: 'localhost', isName: true, port: 8080, scheme: null, path: '/' },
    resolved: null,
    resolveError: null,
    attempts: [{ address: '127.0.0.1', family: 4, result: 'refused', ms: 1 }],
    listeners: [],
    states: [],
    queues: null,
    firewall: null,
    story: null,
    range: { low: 32768, high: 60999, source: 'test' },
    historyNote: null,
    containers: { access: 'ok', socketPath: '/x', message: null, containers: [c] },
    now: 0,
  };
}

describe('container findings', () => {
  it('a restarting container that publishes the port: docker logs first', () => {
    const [f] = containerFindings(facts(base));
    expect(f?.id).toBe('container-stopped');
    expect(f?.title).toBe(
      'Container web (aaaaaaaaaaaa, image busybox) publishes port 8080 but is restarting',
    );
    expect(f?.fix[0]).toBe('docker logs aaaaaaaaaaaa');
  });
  it('says nothing when the engine is not readable (never a guess)', () => {
    const f = facts(base);
    expect(containerFindings({ ...f, containers: { ...f.containers!, access: 'denied' } })).toEqual([]);
  });
});
