import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory for ControlMaster sockets and forward records, or why it cannot be used. */
export type RuntimeDir =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly message: string };

/**
 * The per-user runtime directory: `$XDG_RUNTIME_DIR/harbormaster-ssh`, else
 * `<tmp>/harbormaster-<uid>/ssh`. Created 0700; refused when it is a symlink, another user's, or
 * readable by others, since anyone who can reach a control socket can use the connection.
 */
export function ensureRuntimeDir(env: NodeJS.ProcessEnv, uid: number): RuntimeDir {
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'harbormaster-ssh') : null;
  const path = runtimeDirPath(env, uid);
  try {
    if (base === null) mkdirSync(join(tmpdir(), `harbormaster-${uid}`), { recursive: true, mode: 0o700 });
    mkdirSync(path, { recursive: true, mode: 0o700 });
    for (const dir of base === null ? [join(tmpdir(), `harbormaster-${uid}`), path] : [path]) {
      const st = lstatSync(dir);
      if (!st.isDirectory() || st.isSymbolicLink()) return refuse(dir, 'is not a plain directory');
      if (st.uid !== uid) return refuse(dir, `belongs to uid ${st.uid}`);
      if ((st.mode & 0o077) !== 0) return refuse(dir, `has mode ${(st.mode & 0o777).toString(8)}, not 700`);
    }
    return { ok: true, path };
  } catch (e) {
    return { ok: false, message: `Cannot create ${path}: ${(e as Error).message}` };
  }
}

/** Where {@link ensureRuntimeDir} puts the folder, without creating or checking anything. */
export function runtimeDirPath(env: NodeJS.ProcessEnv, uid: number): string {
  return env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, 'harbormaster-ssh')
    : join(tmpdir(), `harbormaster-${uid}`, 'ssh');
}

function refuse(dir: string, why: string): RuntimeDir {
  return { ok: false, message: `Refusing the ssh control directory ${dir}: it ${why}. Remove it and retry.` };
}
