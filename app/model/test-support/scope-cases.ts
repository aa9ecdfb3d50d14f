import type {
  Listener,
  Owner,
  ProcessOwner as ProcessOwnerShape,
  UnknownOwner as UnknownOwnerShape,
} from '../listener.js';
import type { Scope } from '../scope.js';
import type { Viewer } from '../snapshot.js';

/**
 * The one table of "whose is this listener" cases. app/model/scope.test.ts checks scopeOf against
 * it, and each face's filter (tray menu, window list, CLI list) is checked against the same rows,
 * so the faces cannot drift apart again.
 */
export interface ScopeCase {
  readonly name: string;
  readonly listener: Listener;
  readonly viewer: Viewer | null;
  readonly scope: Scope;
}

let port = 40000;
function on(owner: Partial<Owner> & Pick<Owner, 'kind'>): Listener {
  // Spreading a partial owner over the defaults keeps one factory for both owner kinds.
  port += 1;
  const full: Owner =
    owner.kind === 'process'
      ? {
          kind: 'process',
          pid: port,
          startToken: String(port),
          startedAt: null,
          name: 'proc',
          command: 'proc',
          exe: null,
          user: null,
          uid: null,
          cwd: null,
          project: null,
          container: null,
          ppid: 1,
          ...(owner as Partial<ProcessOwnerShape>),
        }
      : {
          kind: 'unknown',
          reason: 'permission',
          message: 'Owner unknown (needs admin)',
          pid: null,
          uid: null,
          user: null,
          ...(owner as Partial<UnknownOwnerShape>),
        };
  return {
    id: `tcp4|127.0.0.1|${port}|${port}`,
    protocol: 'tcp',
    family: 4,
    address: '127.0.0.1',
    port,
    exposure: 'loopback',
    portRange: 'dynamic',
    service: null,
    socketId: null,
    url: null,
    owner: full,
    health: { state: 'unknown' },
  };
}

const alice: Viewer = { uid: 1000, user: 'alice' };
const root: Viewer = { uid: 0, user: 'root' };
const macUser: Viewer = { uid: 501, user: 'ann' };
const windowsUser: Viewer = { uid: null, user: 'alice' };

export const SCOPE_CASES: readonly ScopeCase[] = [
  {
    name: "alice's dev server, seen by alice",
    listener: on({ kind: 'process', uid: 1000, user: 'alice' }),
    viewer: alice,
    scope: 'mine',
  },
  {
    name: "bob's dev server, seen by alice",
    listener: on({ kind: 'process', uid: 1001, user: 'bob' }),
    viewer: alice,
    scope: 'other-user',
  },
  {
    name: 'root nginx, seen by alice',
    listener: on({ kind: 'process', uid: 0, user: 'root' }),
    viewer: alice,
    scope: 'system',
  },
  {
    name: 'postgres service account (uid 113)',
    listener: on({ kind: 'process', uid: 113, user: 'postgres' }),
    viewer: alice,
    scope: 'system',
  },
  {
    name: 'systemd dynamic user (uid 998)',
    listener: on({ kind: 'process', uid: 998, user: 'systemd-resolve' }),
    viewer: alice,
    scope: 'system',
  },
  {
    name: 'nobody (uid 65534)',
    listener: on({ kind: 'process', uid: 65534, user: 'nobody' }),
    viewer: alice,
    scope: 'system',
  },
  {
    name: "root's socket whose owner alice cannot read",
    listener: on({ kind: 'unknown', uid: 0, user: 'root' }),
    viewer: alice,
    scope: 'system',
  },
  {
    name: "bob's socket whose process alice cannot read",
    listener: on({ kind: 'unknown', uid: 1001, user: 'bob' }),
    viewer: alice,
    scope: 'other-user',
  },
  {
    name: 'a socket with no owner information at all',
    listener: on({ kind: 'unknown' }),
    viewer: alice,
    scope: 'unknown',
  },
  {
    name: "root's process, seen by root",
    listener: on({ kind: 'process', uid: 0, user: 'root' }),
    viewer: root,
    scope: 'mine',
  },
  {
    name: "alice's process, seen by root",
    listener: on({ kind: 'process', uid: 1000, user: 'alice' }),
    viewer: root,
    scope: 'other-user',
  },
  {
    name: 'macOS: second user (uid 502), seen by uid 501',
    listener: on({ kind: 'process', uid: 502, user: 'ben' }),
    viewer: macUser,
    scope: 'other-user',
  },
  {
    name: 'macOS: _mdnsresponder',
    listener: on({ kind: 'process', uid: 65, user: '_mdnsresponder' }),
    viewer: macUser,
    scope: 'system',
  },
  {
    name: 'Windows: HOST\\alice seen by alice',
    listener: on({ kind: 'process', user: 'HOST\\Alice' }),
    viewer: windowsUser,
    scope: 'mine',
  },
  {
    name: 'Windows: NT AUTHORITY\\SYSTEM',
    listener: on({ kind: 'process', user: 'NT AUTHORITY\\SYSTEM' }),
    viewer: windowsUser,
    scope: 'system',
  },
  {
    name: 'Windows: HOST\\bob',
    listener: on({ kind: 'process', user: 'HOST\\bob' }),
    viewer: windowsUser,
    scope: 'other-user',
  },
  {
    name: 'no viewer: a named process is shown as mine',
    listener: on({ kind: 'process', uid: 1001, user: 'bob' }),
    viewer: null,
    scope: 'mine',
  },
  {
    name: 'no viewer: root is still system',
    listener: on({ kind: 'process', uid: 0, user: 'root' }),
    viewer: null,
    scope: 'system',
  },
];
