import { describe, expect, it } from 'vitest';
import type { Listener, Owner } from '../model/listener.js';
import { choosePlan, debuggerPorts, looksLikeWebServer, type ProbePlan } from './policy.js';
import { ownerNamed, listenerAt } from '../testing/fixtures.js';

const unknownOwner: Owner = {
  kind: 'unknown',
  reason: 'permission',
  message: 'needs admin',
  pid: null,
  uid: 0,
  user: 'root',
};
const node = ownerNamed('node', 'node server.js');

function kinds(plan: ProbePlan): string[] {
  return plan.steps.map((s) => s.kind);
}
function plan(l: Listener, onRequest = false): ProbePlan {
  return choosePlan(l, { onRequest });
}

describe('choosePlan: never-HTTP ports', () => {
  const neverHttp = [22, 25, 3306, 5432, 6379, 9222, 9229, 11211, 27017];
  it.each(neverHttp)('port %i never gets HTTP, even on request and even for a web-looking owner', (port) => {
    for (const owner of [node, unknownOwner, ownerNamed('mystery')]) {
      for (const onRequest of [false, true]) {
        const p = plan(listenerAt('127.0.0.1', port, owner), onRequest);
        expect(kinds(p)).not.toContain('http');
        expect(p.steps.length).toBeGreaterThan(0);
      }
    }
  });

  it.each([9100, 9101, 9104, 9107])('printer port %i is not even connected to', (port) => {
    const p = plan(listenerAt('127.0.0.1', port, node), true);
    expect(p.steps).toEqual([]);
    expect(p.reason).toContain('Printer');
  });

  it('sends Redis a PING and PostgreSQL an SSLRequest, after listening first', () => {
    expect(kinds(plan(listenerAt('127.0.0.1', 6379, unknownOwner)))).toEqual([
      'connect',
      'listen',
      'redis-ping',
    ]);
    expect(kinds(plan(listenerAt('127.0.0.1', 5432, unknownOwner)))).toEqual([
      'connect',
      'listen',
      'postgres-ssl-request',
    ]);
  });

  it('recognises Redis and PostgreSQL by owner on unusual ports', () => {
    expect(kinds(plan(listenerAt('127.0.0.1', 6380, ownerNamed('redis-server')), true))).toEqual([
      'connect',
      'listen',
      'redis-ping',
    ]);
    expect(kinds(plan(listenerAt('127.0.0.1', 5433, ownerNamed('postgres')), true))).toEqual([
      'connect',
      'listen',
      'postgres-ssl-request',
    ]);
  });

  it('keeps HTTP away from daemons that never speak it, on any port', () => {
    for (const name of ['sshd', 'mysqld', 'mongod', 'memcached', 'php-fpm8.2', 'dnsmasq']) {
      const p = plan(listenerAt('127.0.0.1', 8080, ownerNamed(name)), true);
      expect(kinds(p), name).toEqual(['connect', 'listen']);
    }
    const kafka = ownerNamed('java', 'java -cp /opt/kafka/libs/* kafka.Kafka config/server.properties');
    expect(kinds(plan(listenerAt('127.0.0.1', 9093, kafka), true))).toEqual(['connect', 'listen']);
  });

  it('never fetches from a debugger port a process opened with --inspect or --remote-debugging-port', () => {
    const inspect = ownerNamed('node', 'node --inspect=127.0.0.1:9333 server.js');
    expect(kinds(plan(listenerAt('127.0.0.1', 9333, inspect), true))).toEqual(['connect']);
    expect(kinds(plan(listenerAt('127.0.0.1', 3000, inspect), true))).toContain('http');
    const chrome = ownerNamed('chrome', '/opt/chrome --remote-debugging-port=9333 --headless');
    expect(kinds(plan(listenerAt('127.0.0.1', 9333, chrome), true))).toEqual(['connect']);
    expect(debuggerPorts(ownerNamed('node', 'node --inspect-brk app.js'))).toEqual([9229]);
    expect(debuggerPorts(ownerNamed('node', 'node --inspect --inspect-port=9400 app.js'))).toEqual([
      9229, 9400,
    ]);
  });

  it('does not touch MySQL on a non-loopback address (host blocking), but does on loopback', () => {
    expect(plan(listenerAt('192.168.1.20', 3306, unknownOwner)).steps).toEqual([]);
    expect(plan(listenerAt('10.0.0.5', 3307, ownerNamed('mariadbd')), true).steps).toEqual([]);
    expect(kinds(plan(listenerAt('127.0.0.1', 3306, ownerNamed('mysqld'))))).toEqual(['connect', 'listen']);
  });
});

describe('choosePlan: HTTP only for web servers or on request', () => {
  const webOwners: [string, string][] = [
    ['node', 'node /app/node_modules/.bin/vite'],
    ['next-server (v1', 'next-server (v14.2.3)'],
    ['python3', '/usr/bin/python3 -m http.server 8000'],
    ['python3.11', 'python3.11 /venv/bin/uvicorn app:app --reload'],
    ['gunicorn', 'gunicorn -w 4 app:app'],
    ['ruby', 'ruby bin/rails server'],
    ['php', 'php -S 127.0.0.1:8000'],
    ['nginx', 'nginx: worker process'],
    ['caddy', 'caddy run'],
    ['httpd', '/usr/sbin/httpd -DFOREGROUND'],
    ['java', 'java -jar target/demo-0.0.1-SNAPSHOT.jar --spring.profiles.active=dev'],
    ['deno', 'deno run --allow-net server.ts'],
    ['bun', 'bun run dev'],
  ];
  it.each(webOwners)(
    '%s (%s) looks like a web server and is probed over HTTP automatically',
    (name, command) => {
      const owner = ownerNamed(name, command);
      expect(looksLikeWebServer(owner)).toBe(true);
      expect(kinds(plan(listenerAt('127.0.0.1', 45678, owner)))).toEqual(['connect', 'listen', 'http']);
    },
  );

  it('an unknown owner on a web port (8080) gets HTTP automatically', () => {
    expect(kinds(plan(listenerAt('127.0.0.1', 8080, unknownOwner)))).toContain('http');
  });

  it('other owners get connect + banner automatically and HTTP only on request', () => {
    for (const owner of [ownerNamed('python3', 'python3 worker.py'), ownerNamed('mystery'), unknownOwner]) {
      expect(kinds(plan(listenerAt('127.0.0.1', 45678, owner)))).toEqual(['connect', 'listen']);
      expect(kinds(plan(listenerAt('127.0.0.1', 45678, owner), true))).toEqual(['connect', 'listen', 'http']);
    }
  });

  it('tries TLS first on HTTPS ports and after an earlier HTTPS answer', () => {
    const tlsFirst = (p: ProbePlan): boolean | undefined => {
      const step = p.steps.find((s) => s.kind === 'http');
      return step?.kind === 'http' ? step.tlsFirst : undefined;
    };
    expect(tlsFirst(plan(listenerAt('127.0.0.1', 8443, node)))).toBe(true);
    expect(tlsFirst(plan(listenerAt('127.0.0.1', 3000, node)))).toBe(false);
    const previous = { state: 'up', kind: 'https', checkedAt: 1, latencyMs: 1 } as const;
    expect(tlsFirst(choosePlan(listenerAt('127.0.0.1', 3000, node), { onRequest: false, previous }))).toBe(
      true,
    );
  });
});

describe('choosePlan: what is probed where', () => {
  it('probes the exact bound address, a wildcard over the same family’s loopback', () => {
    expect(plan(listenerAt('0.0.0.0', 3000, node)).host).toBe('127.0.0.1');
    expect(plan(listenerAt('::', 3000, node)).host).toBe('::1');
    expect(plan(listenerAt('::1', 3000, node)).host).toBe('::1');
    expect(plan(listenerAt('127.0.0.2', 3000, node)).host).toBe('127.0.0.2');
    expect(plan(listenerAt('192.168.1.20', 3000, node)).host).toBe('192.168.1.20');
    expect(plan(listenerAt('fe80::1%eth0', 3000, node)).host).toBe('fe80::1%eth0');
  });

  it('refuses host names instead of resolving them', () => {
    const p = plan({ ...listenerAt('127.0.0.1', 3000, node), address: 'localhost' });
    expect(p.host).toBeNull();
    expect(p.steps).toEqual([]);
  });

  it('never probes UDP', () => {
    expect(plan(listenerAt('127.0.0.1', 53, unknownOwner, 'udp'), true)).toMatchObject({
      steps: [],
      reason: 'UDP is not probed',
    });
  });

  it('skips its own process automatically but not on request', () => {
    const own = listenerAt('127.0.0.1', 4000, ownerNamed('node', 'harbormaster serve', 555));
    expect(choosePlan(own, { onRequest: false, selfPid: 555 }).steps).toEqual([]);
    expect(kinds(choosePlan(own, { onRequest: true, selfPid: 555 }))).toContain('http');
  });

  it('uses the configured banner window', () => {
    const p = choosePlan(listenerAt('127.0.0.1', 22, unknownOwner), { onRequest: false, bannerMs: 450 });
    expect(p.steps).toEqual([{ kind: 'connect' }, { kind: 'listen', ms: 450 }]);
  });
});

describe('owner facts are read once per name and command line (issue 14 item 4)', () => {
  it('a process seen again with another command line gets that command line’s plan', () => {
    const port = 18080;
    const cases: [Owner, string[]][] = [
      [ownerNamed('java', 'java -jar app.jar --spring.profiles.active=dev'), ['connect', 'listen', 'http']],
      [ownerNamed('java', 'java kafka.Kafka server.properties'), ['connect', 'listen']],
      [ownerNamed('node', `node --inspect=${port} app.js`), ['connect']],
      [ownerNamed('node', 'node app.js'), ['connect', 'listen', 'http']],
      [ownerNamed('NODE.EXE', 'node app.js'), ['connect', 'listen', 'http']],
      [ownerNamed('redis-server', 'redis-server *:18080'), ['connect', 'listen', 'redis-ping']],
    ];
    // Twice round, and past the cache's bound in between: each answer is its own owner's.
    for (let round = 0; round < 2; round += 1) {
      for (const [owner, steps] of cases) {
        expect(
          kinds(plan(listenerAt('127.0.0.1', port, owner))),
          owner.kind === 'process' ? owner.command : '',
        ).toEqual(steps);
      }
      for (let i = 0; i < 600; i += 1) looksLikeWebServer(ownerNamed(`p${i}`, `p${i} --inspect=${i}`));
    }
    expect(debuggerPorts(ownerNamed('node', 'node --inspect --inspect-port=9333 a.js'))).toEqual([
      9229, 9333,
    ]);
    // The caller's copy is its own: changing it does not change the next answer.
    debuggerPorts(ownerNamed('node', 'node --inspect a.js')).push(1);
    expect(debuggerPorts(ownerNamed('node', 'node --inspect a.js'))).toEqual([9229]);
  });
});
