import { exposureOf } from '../model/classify.js';
import { cleanText } from '../model/clean-text.js';
import type { Family, Protocol } from '../model/listener.js';
import type { RemoteHolder, RemoteListener } from '../model/remote-host.js';
import { parseCmdline, parsePasswd, parseProcStat } from '../owners/proc-stat.js';
import { lstartStamp, parseLstart, parsePsOwners } from '../owners/ps-owners.js';
import { parseLsofF } from '../scan/parse-lsof.js';
import { parseProcNet, type ProcNetSocket } from '../scan/parse-proc-net.js';
import { LIST_SCRIPT_VERSION } from './list-script.js';

export type { RemoteHolder, RemoteListener } from '../model/remote-host.js';

/** A parsed remote dump, or why it could not be read. */
export type RemoteDump =
  | {
      readonly ok: true;
      readonly viewerUid: number | null;
      readonly listeners: readonly RemoteListener[];
      /** Malformed lines skipped (shown as a partial-scan note). */
      readonly skipped: number;
    }
  | { readonly ok: false; readonly unsupported: boolean; readonly message: string };

/** Longest command line kept per holder (already capped remotely at 4096 bytes). */
const COMMAND_MAX = 1000;
/** The kernel's USER_HZ on every Linux architecture in use. */
const CLK_TCK = 100;

interface Section {
  readonly kind: string;
  readonly arg: string;
  readonly body: string;
}

/** Splits the dump at the nonce markers; anything without the nonce is body text, never a marker. */
export function splitSections(text: string, nonce: string): Section[] {
  const re = new RegExp(`\\n@@${nonce} (\\S+) ([^\\n]*)\\n`, 'g');
  const out: Section[] = [];
  let last: { kind: string; arg: string; from: number } | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (last) out.push({ kind: last.kind, arg: last.arg, body: text.slice(last.from, m.index) });
    last = { kind: m[1] ?? '', arg: m[2] ?? '', from: m.index + m[0].length };
  }
  if (last) out.push({ kind: last.kind, arg: last.arg, body: text.slice(last.from) });
  return out;
}

/**
 * Parses the listing script's output with the same procfs parsers the local scanner uses
 * (`parseProcNet`, `parseProcStat`, `parseCmdline`, `parsePasswd`). Every remote string that
 * reaches the result passes `cleanText`. A dump without the `end` marker was cut off: an error,
 * never "no ports".
 */
export function parseRemoteDump(text: string, nonce: string): RemoteDump {
  const sections = splitSections(text, nonce);
  const first = sections[0];
  if (first?.kind !== 'version' || first.arg !== String(LIST_SCRIPT_VERSION))
    return {
      ok: false,
      unsupported: false,
      message: 'The remote did not run the listing script (no version line).',
    };
  const unsupported = sections.find((s) => s.kind === 'unsupported');
  if (unsupported)
    return {
      ok: false,
      unsupported: true,
      message: `The remote has neither /proc/net nor lsof (${cleanText(unsupported.arg, { max: 40 })}): unsupported OS for agentless listing.`,
    };
  if (sections.at(-1)?.kind !== 'end')
    return { ok: false, unsupported: false, message: 'The remote listing was cut off before its end.' };
  const uidSection = sections.find((s) => s.kind === 'uid');
  const viewerUid = uidSection && /^\d+$/.test(uidSection.arg) ? Number(uidSection.arg) : null;
  if (sections.some((s) => s.kind === 'lsof')) return parseLsofDump(sections, viewerUid);
  let btime: number | null = null;
  let skipped = 0;
  const sockets: ProcNetSocket[] = [];
  const holdersOf = new Map<string, number[]>();
  const stats = new Map<number, string>();
  const uids = new Map<number, number>();
  const cmdlines = new Map<number, string>();
  const cwds = new Map<number, string>();
  let passwd = new Map<number, string>();
  for (const s of sections) {
    const pid = Number(s.arg.split(' ')[0]);
    switch (s.kind) {
      case 'btime':
        btime = /^\d+$/.test(s.arg) ? Number(s.arg) : null;
        break;
      case 'net': {
        const file = s.arg;
        const protocol: Protocol = file.startsWith('tcp') ? 'tcp' : 'udp';
        const family: Family = file.endsWith('6') ? 6 : 4;
        if (!['tcp', 'tcp6', 'udp', 'udp6'].includes(file)) break;
        const r = parseProcNet(s.body, protocol, family);
        if (r.unrecognized) return { ok: false, unsupported: false, message: r.unrecognized.reason };
        sockets.push(...r.sockets);
        skipped += r.skipped;
        break;
      }
      case 'fd':
        for (const line of s.body.split('\n')) {
          const m = /^(\d+) (\d+)$/.exec(line);
          if (!m?.[1] || !m[2]) continue;
          const list = holdersOf.get(m[2]) ?? [];
          list.push(Number(m[1]));
          holdersOf.set(m[2], list);
        }
        break;
      case 'stat':
        stats.set(pid, s.body);
        break;
      case 'puid': {
        const u = s.arg.split(' ')[1];
        if (u && /^\d+$/.test(u)) uids.set(pid, Number(u));
        break;
      }
      case 'cmdline':
        cmdlines.set(pid, s.body);
        break;
      case 'cwd':
        cwds.set(pid, s.body.replace(/\n$/, ''));
        break;
      case 'passwd':
        passwd = parsePasswd(s.body);
        break;
      default:
        break;
    }
  }
  const holder = (pid: number): RemoteHolder | null => {
    const stat = parseProcStat(stats.get(pid) ?? '');
    if (!stat || stat.pid !== pid) return null;
    const uid = uids.get(pid) ?? null;
    const argv = parseCmdline(cmdlines.get(pid) ?? '');
    const cwd = cwds.get(pid);
    return {
      pid,
      startTicks: stat.startTicks,
      uid,
      user: uid === null ? null : cleanText(passwd.get(uid) ?? String(uid), { max: 32 }),
      name: cleanText(stat.comm, { max: 32 }),
      command: cleanText(argv.length > 0 ? argv.join(' ') : `[${stat.comm}]`, {
        max: COMMAND_MAX,
        collapse: true,
      }),
      cwd: cwd === undefined ? null : cleanText(cwd, { max: 300 }),
      startedAt: btime === null ? null : (btime + Number(stat.startTicks) / CLK_TCK) * 1000,
    };
  };
  // One holder per pid, not per socket: a server with 100 sockets would otherwise clean its 4 KB
  // command line 100 times (140 ms of a 1,000-listener dump, the bulk of the snapshot's CPU).
  const holders = new Map<number, RemoteHolder | null>();
  const holderOnce = (pid: number): RemoteHolder | null => {
    if (!holders.has(pid)) holders.set(pid, holder(pid));
    return holders.get(pid) ?? null;
  };
  const listeners = sockets.map((sock): RemoteListener => {
    const pids = [...new Set(holdersOf.get(sock.inode) ?? [])].sort((a, b) => a - b);
    const first = pids[0];
    return {
      protocol: sock.protocol,
      family: sock.family,
      address: sock.address,
      port: sock.port,
      exposure: exposureOf(sock.address),
      inode: sock.inode,
      socketUid: sock.uid,
      pids,
      holder: first === undefined ? null : holderOnce(first),
    };
  });
  listeners.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.family - b.family);
  return { ok: true, viewerUid, listeners, skipped };
}

/** The body of the one section of `kind`, or '' when the script did not print it. */
function bodyOf(sections: readonly Section[], kind: string): string {
  return sections.find((s) => s.kind === kind)?.body ?? '';
}

/**
 * The lsof branch of the script (a remote without /proc/net): its `lsof -F` output through the
 * local lsof backend's parser (parseLsofF), its two `ps` outputs through the local ps owner
 * resolver's parser (parsePsOwners), as on a local Mac. lsof prints one record per (socket, pid);
 * here one row per bound endpoint carries every pid, as in the procfs listing. lsof has no socket
 * inode in these fields (it reads `0`) and ps no stat field 22: the start identity is the UTC
 * `lstart` as `YYYYMMDDhhmmss` (lstartStamp), which the kill script's lsof branch re-checks. The
 * rows are marked `listedBy: 'lsof'`. Every string passes cleanText with the procfs path's caps.
 */
function parseLsofDump(sections: readonly Section[], viewerUid: number | null): RemoteDump {
  const parsed = parseLsofF(bodyOf(sections, 'lsof'));
  if (parsed.unrecognized) return { ok: false, unsupported: false, message: parsed.unrecognized.reason };
  const owners = parsePsOwners(bodyOf(sections, 'ps'), bodyOf(sections, 'psargs'));
  let skipped = parsed.skipped;
  const rows = new Map<
    string,
    { first: (typeof parsed.listeners)[number]; family: Family; pids: Set<number> }
  >();
  for (const raw of parsed.listeners) {
    // lsof names the family in its `t` field, always printed with these options; the pid and uid
    // come with every process record. A record without them is garbage, never a guessed row.
    if (raw.family === null || raw.pid === null || raw.uid === null) {
      skipped += 1;
      continue;
    }
    const key = `${raw.protocol} ${raw.family} ${raw.address} ${raw.port}`;
    const row = rows.get(key) ?? { first: raw, family: raw.family, pids: new Set<number>() };
    row.pids.add(raw.pid);
    rows.set(key, row);
  }
  const holderOf = (pid: number): RemoteHolder | null => {
    const o = owners.get(pid);
    if (!o || o.kind !== 'process') return null;
    return {
      pid,
      startTicks: lstartStamp(o.startToken) ?? '0',
      uid: o.uid,
      user: cleanText(o.user ?? (o.uid === null ? null : String(o.uid)), { max: 32 }) || null,
      name: cleanText(o.name, { max: 32 }),
      command: cleanText(o.command, { max: COMMAND_MAX, collapse: true }),
      cwd: null,
      startedAt: parseLstart(o.startToken, true),
    };
  };
  const listeners = [...rows.values()].map(({ first, family, pids }): RemoteListener => {
    const sorted = [...pids].sort((a, b) => a - b);
    return {
      protocol: first.protocol,
      family,
      address: first.address,
      port: first.port,
      exposure: exposureOf(first.address),
      inode: '0',
      socketUid: first.uid ?? -1,
      pids: sorted,
      holder: sorted[0] === undefined ? null : holderOf(sorted[0]),
      listedBy: 'lsof',
    };
  });
  listeners.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.family - b.family);
  return { ok: true, viewerUid, listeners, skipped };
}
