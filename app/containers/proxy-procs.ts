import { readdirSync, readFileSync } from 'node:fs';
import { parseCmdline, parseProcStat } from '../owners/proc-stat.js';
import { proxyArgs } from './join.js';

/** A docker-proxy process found from its world-readable `/proc/<pid>/{comm,cmdline,stat}`. */
export interface ProxyProcess {
  readonly pid: number;
  readonly startToken: string;
  readonly ppid: number;
  readonly argv: readonly string[];
  readonly proto: string;
  readonly hostIp: string;
  readonly hostPort: number;
}

/**
 * Finds docker-proxy processes without privileges. A user outside the docker group cannot map
 * docker-proxy's root-owned socket to its pid (its fd table is private), but its command line is
 * public and names the port (`-proto tcp -host-ip 127.0.0.1 -host-port 18080`), so the port can
 * still be shown as "docker-proxy → a container". Only called when the Engine API is denied.
 */
export function findDockerProxies(procRoot = '/proc'): ProxyProcess[] {
  const out: ProxyProcess[] = [];
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^[0-9]+$/.test(e)) continue;
    try {
      if (readFileSync(`${procRoot}/${e}/comm`, 'latin1').trim() !== 'docker-proxy') continue;
      const argv = parseCmdline(readFileSync(`${procRoot}/${e}/cmdline`, 'utf8'));
      const st = parseProcStat(readFileSync(`${procRoot}/${e}/stat`, 'latin1'));
      const a = proxyArgs(argv);
      const i = argv.indexOf('-host-ip');
      const hostIp = i >= 0 ? (argv[i + 1] ?? '') : '';
      if (!st || a.hostPort === null || !a.proto) continue;
      out.push({
        pid: Number(e),
        startToken: st.startTicks,
        ppid: st.ppid,
        argv,
        proto: a.proto,
        hostIp,
        hostPort: a.hostPort,
      });
    } catch {
      // exited meanwhile, or hidden (hidepid)
    }
  }
  return out;
}
