import type { RemoteHolder, RemoteHostView, RemoteListener } from '../model/remote-host.js';

/**
 * A remote TCP listener on the remote's 127.0.0.1 as a host view holds it, held by `node`
 * (pid 4242, uid 1000) unless `holder` says otherwise; `over` replaces socket fields.
 */
export function remoteListener(
  port: number,
  holder: Partial<RemoteHolder> = {},
  over: Partial<RemoteListener> = {},
): RemoteListener {
  return {
    protocol: 'tcp',
    family: 4,
    address: '127.0.0.1',
    port,
    exposure: 'loopback',
    inode: String(port),
    socketUid: 1000,
    pids: [holder.pid ?? 4242],
    holder: {
      pid: 4242,
      startTicks: '98765',
      uid: 1000,
      user: 'dev',
      name: 'node',
      command: 'node server.js',
      cwd: '/srv/app',
      startedAt: 1_000_000,
      ...holder,
    },
    ...over,
  };
}

/** A host that answered: state ok, these listeners. */
export function okHostView(alias: string, listeners: readonly RemoteListener[]): RemoteHostView {
  return {
    alias,
    state: 'ok',
    failure: null,
    listeners,
    durationMs: 40,
    forwardsBroken: false,
    nextRetryMs: null,
  };
}
