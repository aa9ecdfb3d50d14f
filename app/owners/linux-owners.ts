import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { err, ok, type Result } from '../model/errors.js';
import type { ProcessOwner } from '../model/listener.js';
import { recognizeProxy } from './container.js';
import { parseBootTime, parseCmdline, parsePasswd, parseProcStat, type ProcStat } from './proc-stat.js';
import { createProjectFinder } from './project.js';
import type { OwnerResolver, ProcessIdentity } from './types.js';

/** Linux clock ticks per second (USER_HZ): 100 on every Linux ABI Node supports. */
const CLK_TCK = 100;

/** Options for {@link createLinuxOwnerResolver}. */
export interface LinuxOwnerOptions {
  readonly procRoot?: string;
  readonly passwdPath?: string;
}

/**
 * Resolves pids to owners from `/proc/<pid>/{stat,cmdline,exe,cwd}`, cached by (pid, start
 * time) so a steady-state scan reads one small `stat` file per owning pid. Unreadable pieces (exe
 * and cwd of other users' processes) are null; a vanished process is ESRCH.
 */
export function createLinuxOwnerResolver(options: LinuxOwnerOptions = {}): OwnerResolver {
  const proc = options.procRoot ?? '/proc';
  const cache = new Map<number, ProcessOwner>();
  const findProject = createProjectFinder();
  let users: Map<number, string> | null = null;
  let bootTime: number | null | undefined;

  const userName = (uid: number): string | null => {
    if (!users || !users.has(uid)) {
      try {
        users = parsePasswd(readFileSync(options.passwdPath ?? '/etc/passwd', 'utf8'));
      } catch {
        users = new Map();
      }
    }
    return users.get(uid) ?? null;
  };
  const boot = (): number | null => {
    if (bootTime === undefined) {
      try {
        bootTime = parseBootTime(readFileSync(`${proc}/stat`, 'utf8'));
      } catch {
        bootTime = null;
      }
    }
    return bootTime;
  };

  const readStat = (pid: number): Result<ProcStat> => {
    try {
      const s = parseProcStat(readFileSync(`${proc}/${pid}/stat`, 'latin1'));
      if (!s) return err('ESRCH', `Process ${pid} has an unreadable stat file.`);
      // A zombie has exited and holds no sockets; only its exit status waits to be reaped (proc(5)).
      if (s.state === 'Z' || s.state === 'X') return err('ESRCH', `Process ${pid} has exited.`);
      return ok(s);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'EACCES'
        ? err('EPERM', `Not allowed to read process ${pid}.`)
        : err('ESRCH', `Process ${pid} is gone.`);
    }
  };
  const tryLink = (path: string): string | null => {
    try {
      return readlinkSync(path);
    } catch {
      return null;
    }
  };

  async function resolveOne(pid: number): Promise<Result<ProcessOwner>> {
    const st = readStat(pid);
    if (!st.ok) return st;
    const cached = cache.get(pid);
    if (cached && cached.startToken === st.value.startTicks) return ok(cached);
    let argv: string[] = [];
    try {
      argv = parseCmdline(readFileSync(`${proc}/${pid}/cmdline`, 'utf8'));
    } catch {
      argv = [];
    }
    let uid: number | null = null;
    try {
      uid = statSync(`${proc}/${pid}`).uid;
    } catch {
      return err('ESRCH', `Process ${pid} is gone.`);
    }
    const exe = tryLink(`${proc}/${pid}/exe`);
    const cwd = tryLink(`${proc}/${pid}/cwd`);
    const b = boot();
    const name = st.value.comm.length >= 15 && argv[0] ? basename(argv[0]).slice(0, 200) : st.value.comm;
    // Which container it forwards to is joined per snapshot from the Engine API (app/containers).
    const container = recognizeProxy(name, argv);
    const owner: ProcessOwner = {
      kind: 'process',
      pid,
      startToken: st.value.startTicks,
      startedAt: b === null ? null : Math.round((b + Number(st.value.startTicks) / CLK_TCK) * 1000),
      name,
      command: argv.length > 0 ? argv.join(' ') : `[${st.value.comm}]`,
      exe: exe?.replace(/ \(deleted\)$/, '') ?? null,
      user: uid === null ? null : userName(uid),
      uid,
      cwd,
      project: findProject(cwd),
      container,
      ppid: st.value.ppid,
    };
    cache.set(pid, owner);
    return ok(owner);
  }

  return {
    async resolve(pids) {
      const out = new Map<number, Result<ProcessOwner>>();
      for (const pid of new Set(pids)) out.set(pid, await resolveOne(pid));
      return out;
    },
    async readIdentity(pid): Promise<Result<ProcessIdentity>> {
      const st = readStat(pid);
      if (!st.ok) return st;
      const exe = tryLink(`${proc}/${pid}/exe`);
      return ok({
        pid,
        startToken: st.value.startTicks,
        exe: exe?.replace(/ \(deleted\)$/, '') ?? null,
        name: st.value.comm,
      });
    },
    userName,
    prune(alive) {
      for (const pid of cache.keys()) if (!alive.has(pid)) cache.delete(pid);
    },
  };
}
