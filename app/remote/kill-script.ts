import { cleanText } from '../model/clean-text.js';
import type { RemoteKillOutcome } from '../model/remote-kill.js';
import { isNonce, lsofFindSnippet, netFilesSnippet } from './list-script.js';

/** The identity the user confirmed: what the remote re-checks right before the signal. */
export interface RemoteKillTarget {
  readonly pid: number;
  /** `/proc/PID/stat` field 22 at confirmation time (lsof listing: the UTC ps start, YYYYMMDDhhmmss). */
  readonly startTicks: string;
  readonly uid: number;
  /** The listening socket's inode the pid held (`0` from an lsof listing: not re-checked there). */
  readonly inode: string;
  readonly port: number;
  /** `lsof`: the holder came from an lsof listing, re-checked with ps and lsof (no /proc there). */
  readonly listedBy?: 'lsof';
}

export type { RemoteKillOutcome };

/** How long the remote waits for the port to close after SIGTERM (tenths of a second). */
const WAIT_TENTHS = 50;

function checkTarget(t: RemoteKillTarget): void {
  if (!Number.isInteger(t.pid) || t.pid < 2) throw new Error('kill target: bad pid');
  if (!/^\d+$/.test(t.startTicks) || !/^\d+$/.test(t.inode)) throw new Error('kill target: bad identity');
  if (!Number.isInteger(t.uid) || t.uid < 0) throw new Error('kill target: bad uid');
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) throw new Error('kill target: bad port');
}

/** The lines every kill script starts with: the result printer, the pid, never this session's shell. */
function killHead(nonce: string, pid: number, flavour: string): string {
  return `# harbormaster remote kill v1${flavour}
export LC_ALL=C
r() { printf '\\n@@${nonce} %s\\n%s\\n@@${nonce} end\\n' "$1" "$2"; exit 0; }
p=${pid}
case " $$ $PPID " in *" $p "*) r protected "it is this session's own shell";; esac`;
}

/** The lines every kill script ends with, once the identity passed: SIGTERM, a wait, a re-scan (port_busy). */
function killTail(): string {
  return `if [ -x /bin/kill ]; then out=$(/bin/kill -TERM -- "$p" 2>&1); else out=$(kill -TERM "$p" 2>&1); fi
[ $? -eq 0 ] || { case "$out" in *"No such process"*) r gone "";; esac; r denied "$out"; }
i=0
while port_busy && [ $i -lt ${WAIT_TENTHS} ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done
port_busy && r still-listening "after $((i / 10)) s"
r freed ""
`;
}

/**
 * One remote invocation: re-check pid, start time, uid and that the pid still holds the listening
 * socket; only then `kill -TERM -- PID` (never pkill, never sudo), wait, and re-scan to verify
 * nothing listens on the port any more. Every value spliced in is checked numeric first.
 *
 * A procfs listing is re-checked through /proc: stat field 22, the real uid, the socket inode in
 * /proc/net and in the pid's fd table; a remote that lost /proc is refused (`needs-proc`). An lsof
 * listing (a remote without /proc: macOS, the BSDs) is re-checked as a Mac allows: the UTC
 * `ps -o lstart=` as `YYYYMMDDhhmmss` (lstartStamp), `ps -o uid=`, and `lsof -t` naming the pid on
 * the port (TCP LISTEN, or UDP); lsof has no socket inode, so "still holds" is by port.
 */
export function killScript(nonce: string, t: RemoteKillTarget): string {
  if (!isNonce(nonce)) throw new Error('killScript: bad nonce');
  checkTarget(t);
  if (t.listedBy === 'lsof') return lsofKillScript(nonce, t);
  const portHex = t.port.toString(16).toUpperCase().padStart(4, '0');
  return `${killHead(nonce, t.pid, '')}
{ [ -r /proc/net/tcp ] && [ -r /proc/$$/stat ]; } || r needs-proc "$(uname -s)"
read -r s 2>/dev/null < /proc/$p/stat || r gone ""
set -- \${s##*) }
[ "\${20}" = "${t.startTicks}" ] || r changed "start time is now \${20}, was ${t.startTicks}: a different process has this pid"
u=""; while read -r k v x; do [ "$k" = "Uid:" ] && { u=$v; break; }; done 2>/dev/null < /proc/$p/status
[ "$u" = "${t.uid}" ] || r changed "uid is now $u, was ${t.uid}"
${netFilesSnippet()}
listening() { awk -v i="$1" 'FNR>1 && $10==i && ($4=="0A" || $4=="07") { f=1 } END { exit !f }' $F; }
port_busy() { awk 'FNR>1 && ($4=="0A" || $4=="07") { n=split($2, a, ":"); if (a[n]=="${portHex}") f=1 } END { exit !f }' $F; }
listening ${t.inode} || r no-longer-holds ""
ls -l /proc/$p/fd 2>/dev/null | grep -q 'socket:\\[${t.inode}\\]' || r no-longer-holds ""
${killTail()}`;
}

/** The lsof flavour of {@link killScript}: ps for the start time and uid, lsof for the port. */
function lsofKillScript(nonce: string, t: RemoteKillTarget): string {
  return `${killHead(nonce, t.pid, ' (lsof)')}
${lsofFindSnippet()}
[ -n "$LS" ] || r needs-proc "no lsof on $(uname -s)"
s=$(TZ=UTC0 ps -o lstart= -p "$p" 2>/dev/null | awk 'NF == 5 { m = index("JanFebMarAprMayJunJulAugSepOctNovDec", $2); t = $4; gsub(":", "", t); if (m % 3 == 1) printf "%04d%02d%02d%s\\n", $5, (m + 2) / 3, $3, t }')
[ -n "$s" ] || r gone ""
[ "$s" = "${t.startTicks}" ] || r changed "start time is now $s, was ${t.startTicks}: a different process has this pid"
u=$(ps -o uid= -p "$p" 2>/dev/null | tr -d ' ')
[ "$u" = "${t.uid}" ] || r changed "uid is now $u, was ${t.uid}"
held_by() { { "$LS" -nP -t -iTCP:${t.port} -sTCP:LISTEN; "$LS" -nP -t -iUDP:${t.port}; } 2>/dev/null; }
port_busy() { [ -n "$(held_by)" ]; }
held_by | grep -qx "$p" || r no-longer-holds ""
${killTail()}`;
}

/** Reads the kill script's one result block; anything else is `unreadable`, never "freed". */
export function parseKillResult(text: string, nonce: string, pid: number): RemoteKillOutcome {
  const m = new RegExp(`\\n@@${nonce} (\\S+)\\n([\\s\\S]*?)\\n@@${nonce} end\\n`).exec(text);
  const detail = cleanText(m?.[2] ?? '', { max: 300, collapse: true });
  switch (m?.[1]) {
    case 'freed':
      return { kind: 'freed', pid };
    case 'still-listening':
      return { kind: 'still-listening', pid, detail };
    case 'gone':
      return { kind: 'gone' };
    case 'changed':
      return { kind: 'changed', detail };
    case 'no-longer-holds':
      return { kind: 'no-longer-holds' };
    case 'protected':
      return { kind: 'protected', detail };
    case 'denied':
      return { kind: 'denied', detail };
    case 'needs-proc':
      return { kind: 'needs-proc', detail };
    default:
      return { kind: 'unreadable', detail: cleanText(text.slice(-200), { collapse: true }) };
  }
}
