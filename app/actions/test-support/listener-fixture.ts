import { exposureOf, portRange } from '../../model/classify.js';
import { UNKNOWN_HEALTH, type Health } from '../../model/health.js';
import type { Family, Listener, Owner, Protocol } from '../../model/listener.js';
import { knownService } from '../../model/services.js';

/** Builds a Listener value for pure tests (URL building, formatting); fields default sensibly. */
export function listenerFixture(
  fields: {
    protocol?: Protocol;
    family?: Family;
    address?: string;
    port?: number;
    health?: Health;
    owner?: Owner;
  } = {},
): Listener {
  const family = fields.family ?? (fields.address?.includes(':') ? 6 : 4);
  const address = fields.address ?? (family === 6 ? '::1' : '127.0.0.1');
  const port = fields.port ?? 3000;
  const protocol = fields.protocol ?? 'tcp';
  return {
    id: `${protocol}:${family}:${address}:${port}:fixture`,
    protocol,
    family,
    address,
    port,
    exposure: exposureOf(address),
    portRange: portRange(port),
    service: knownService(port),
    socketId: null,
    owner: fields.owner ?? {
      kind: 'unknown',
      reason: 'permission',
      message: 'fixture',
      pid: null,
      uid: null,
      user: null,
    },
    health: fields.health ?? UNKNOWN_HEALTH,
    url: null,
  };
}
