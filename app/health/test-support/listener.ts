import { familyOf } from '../../model/classify.js';
import type { Listener, Owner, ProcessOwner } from '../../model/listener.js';
import { makeListener, makeProcessOwner } from '../../test-support/listener-fixture.js';

/** A process owner for tests: `name` and `command` are what the policy looks at. */
export function processOwner(name: string, command = name, pid = 4242): ProcessOwner {
  return makeProcessOwner({ name, command, pid });
}

/** A listener as the scanner would report it, for a real socket a test opened. */
export function tcpListener(
  address: string,
  port: number,
  owner: Owner = processOwner('node', 'node server.js'),
  protocol: 'tcp' | 'udp' = 'tcp',
): Listener {
  return makeListener({
    id: `${protocol}${familyOf(address)}:${address}:${port}`,
    protocol,
    address,
    port,
    owner,
  });
}
