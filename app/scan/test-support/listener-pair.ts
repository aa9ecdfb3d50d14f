import { afterAll, beforeAll } from 'vitest';
import {
  spawnListeners,
  type ListenerChild,
  LOOPBACK_BINDS,
  WILDCARD_BINDS,
} from '../../testing/listener-child.js';

/**
 * The two real listener children the scanner tests read, spawned before the enclosing `describe`
 * block and killed after it: one on every loopback bind, one on every wildcard bind (TCP and UDP,
 * IPv4 and IPv6 each). `ready` receives them once they listen.
 */
export function useListenerPair(ready: (loopback: ListenerChild, wildcard: ListenerChild) => void): void {
  const spawned: ListenerChild[] = [];
  beforeAll(async () => {
    const loopback = await spawnListeners(LOOPBACK_BINDS);
    spawned.push(loopback);
    const wildcard = await spawnListeners(WILDCARD_BINDS);
    spawned.push(wildcard);
    ready(loopback, wildcard);
  });
  afterAll(async () => {
    for (const child of spawned.splice(0)) await child.kill();
  });
}
