/**
 * The versioned POSIX `sh` script sent with `ssh ALIAS -- sh -s`: nothing is installed on the
 * remote. It prints `/proc/net/{tcp,tcp6,udp,udp6}`, the socket-inode → pid pairs of listening
 * sockets, and each holder's stat line, real uid, capped cmdline and cwd, plus `/etc/passwd`.
 * Every section starts with a marker carrying a per-run nonce the remote cannot predict, so a
 * hostile command line cannot forge a section (the remote is untrusted input).
 * Forks: a constant handful plus one `head` per holder (the 100 ms snapshot target, issue 15).
 */

/** Version of the dump format; the parser refuses any other. */
export const LIST_SCRIPT_VERSION = 1;
/** Bytes of each `/proc/PID/cmdline` read remotely (vscode#230738: 100k-char command lines). */
export const CMDLINE_CAP = 4096;

/** A nonce is 16+ hex characters, so it is safe to splice into the script. */
export function isNonce(nonce: string): boolean {
  return /^[0-9a-f]{16,64}$/.test(nonce);
}

/** The awk filter naming listening inodes (TCP LISTEN 0A; UDP unconnected 07). */
const LISTEN_INODES = `awk 'FNR>1 && (($4=="0A" && FILENAME ~ /tcp/) || ($4=="07" && FILENAME ~ /udp/)) && $10!="0" {print $10}'`;

/** The script body before the per-holder part; shared with the kill script. */
export function netFilesSnippet(): string {
  return `F=""; for f in tcp tcp6 udp udp6; do [ -r /proc/net/$f ] && F="$F /proc/net/$f"; done`;
}

/** Builds the listing script; `nonce` comes from the caller's CSPRNG. */
export function listScript(nonce: string): string {
  if (!isNonce(nonce)) throw new Error('listScript: bad nonce');
  const M = `@@${nonce}`;
  return `# harbormaster remote listing v${LIST_SCRIPT_VERSION}
export LC_ALL=C
m() { printf '\\n${M} %s %s\\n' "$1" "$2"; }
m version ${LIST_SCRIPT_VERSION}
m uid "$(id -u)"
if [ ! -r /proc/net/tcp ]; then m unsupported "$(uname -s)"; m end 0; exit 0; fi
${netFilesSnippet()}
for f in $F; do m net "\${f##*/}"; cat "$f"; done
L=" $(${LISTEN_INODES} $F | tr '\\n' ' ') "
FD=$(ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v want="$L" '
  /^\\/proc\\/[0-9]+\\/fd:$/ { split($0, a, "/"); pid = a[3]; next }
  /socket:\\[/ { i = $NF; gsub(/[^0-9]/, "", i); if (index(want, " " i " ")) print pid, i }')
m fd 0
printf '%s' "$FD"
P=$(printf '%s\n' "$FD" | awk 'NF == 2 && !s[$1]++ { print $1 }')
for p in $P; do
  m pid "$p"
  read -r s 2>/dev/null < /proc/$p/stat && { m stat "$p"; printf '%s' "$s"; }
  u=""; while read -r k v rest; do [ "$k" = "Uid:" ] && { u=$v; break; }; done 2>/dev/null < /proc/$p/status
  m puid "$p $u"
  m cmdline "$p"; head -c ${CMDLINE_CAP} 2>/dev/null < /proc/$p/cmdline
  if cd /proc/$p/cwd 2>/dev/null; then m cwd "$p"; pwd -P; cd /; fi
done
m btime "$(while read -r k v; do [ "$k" = btime ] && echo "$v"; done < /proc/stat)"
m passwd 0
cat /etc/passwd 2>/dev/null
m end 0
`;
}
