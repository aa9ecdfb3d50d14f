import { exposureOf, familyOf, portRange } from '../../model/classify.js';
import type { Listener, Owner, ProcessOwner } from '../../model/listener.js';
import { knownService } from '../../model/services.js';

/** A process owner for tests: `name` and `command` are what the policy looks at. */
export function processOwner(name: string, command = name, pid = 4242): ProcessOwner {
  return {
    kind: 'process',
    pid,
    startToken: '1000',
    startedAt: null,
    name,
    command,
    exe: null,
    user: 'tester',
    uid: 1000,
    cwd: null,
    project: null,
    container: null,
    ppid: 1,
  };
}

/** A listener as the scanner would report it, for a real socket a test opened. */
export function tcpListener(
  address: string,
  port: number,
  owner: Owner = processOwner('node', 'node server.js'),
  protocol: 'tcp' | 'udp' = 'tcp',
): Listener {
  const family = familyOf(address);
  return {
    id: `${protocol}${family}:${address}:${port}`,
    protocol,
    family,
    address,
    port,
    exposure: exposureOf(address),
    portRange: portRange(port),
    service: knownService(port),
    socketId: null,
    owner,
    health: { state: 'unknown' },
    url: null,
  };
}
