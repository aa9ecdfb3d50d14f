import { psArgsArgs, psIdentityArgs } from '../owners/ps-owners.js';
import { LSOF_ARGS } from '../scan/parse-lsof.js';
import { LSOF_PATHS } from '../scan/lsof-scanner.js';

/**
 * The versioned POSIX `sh` script sent with `ssh ALIAS -- sh -s`: nothing is installed on the
 * remote. It prints `/proc/net/{tcp,tcp6,udp,udp6}`, the socket-inode → pid pairs of listening
 * sockets, and each holder's stat line, real uid, capped cmdline and cwd, plus `/etc/passwd`.
 * Without /proc/net (macOS, the BSDs) it runs `lsof -F` with the local lsof backend's fields and
 * the local ps owner resolver's two `ps` runs instead ({@link lsofBranch}); with neither it says
 * `unsupported`.
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

/**
 * One awk prints the /proc/net tables (each after its marker) reduced to their header and
 * listening rows (TCP LISTEN 0A; UDP unconnected 07): a busy host has thousands of TIME_WAIT and
 * established rows (2,750 here, 316 KB of the 345 KB dump) that the parser drops anyway. It reads
 * the listening inodes from them, runs one `ls -ln` over every fd table, prints "pid
 * inode" for listening sockets only, and names the holder pids on stderr for the shell loop.
 */
function awkDump(marker: string): string {
  return `awk -v files="$F" -v M='${marker}' 'BEGIN {
  n = split(files, f, " ")
  for (k = 1; k <= n; k++) {
    name = f[k]; sub(/.*\\//, "", name)
    printf "\\n%s net %s\\n", M, name
    first = 1
    while ((getline line < f[k]) > 0) {
      if (first) { print line; first = 0; continue }
      split(line, c, " ")
      if (!((c[4] == "0A" && f[k] ~ /tcp/) || (c[4] == "07" && f[k] ~ /udp/))) continue
      print line
      if (c[10] != "0") want[c[10]] = 1
    }
    close(f[k])
  }
  printf "\\n%s fd 0\\n", M
  cmd = "ls -ln /proc/[0-9]*/fd 2>/dev/null"
  while ((cmd | getline line) > 0) {
    if (line ~ /^\\/proc\\/[0-9]+\\/fd:$/) { split(line, a, "/"); pid = a[3]; continue }
    if (line ~ /socket:\\[/) {
      nf = split(line, c, " "); i = c[nf]; gsub(/[^0-9]/, "", i)
      if (i in want) { print pid, i; if (!(pid in held)) { held[pid] = 1; pids = pids " " pid } }
    }
  }
  close(cmd)
  print pids > "/dev/stderr"
}'`;
}

/** The script body before the per-holder part; shared with the kill script. */
export function netFilesSnippet(): string {
  return `F=""; for f in tcp tcp6 udp udp6; do [ -r /proc/net/$f ] && F="$F /proc/net/$f"; done`;
}

/** Fixed argv words spliced into the script: each is checked to need no quoting. */
function shWords(words: readonly string[]): string {
  for (const w of words) if (!/^[\w./=,-]+$/.test(w)) throw new Error(`listScript: unsafe word ${w}`);
  return words.join(' ');
}

/** Sets `LS` to the remote's lsof (the local backend's paths, then PATH), or ''; shared with the kill script. */
export function lsofFindSnippet(): string {
  return `LS=""; for x in ${shWords(LSOF_PATHS)}; do [ -x "$x" ] && { LS=$x; break; }; done
[ -n "$LS" ] || LS=$(command -v lsof 2>/dev/null)`;
}

/**
 * The branch for a remote without /proc/net: the local macOS backend's exact `lsof` argv
 * (LSOF_ARGS, parsed by parseLsofF), then the local ps owner resolver's two runs (identity with
 * `lstart`, and `args` capped like cmdline) for the pids lsof named. One lsof run: `tee` sends
 * it to stdout and a copy, through the pipe of fd 4 (a pipe, so /dev/fd/4 reopens on Linux too:
 * an ssh or node stdout may be a socket, which /dev/fd cannot reopen), to the pid picker. `lstart` is printed in UTC
 * (the remote's time zone is not ours). Ends the script.
 */
function lsofBranch(): string {
  return `${lsofFindSnippet()}
if [ -z "$LS" ]; then m unsupported "$(uname -s)"; m end 0; exit 0; fi
m lsof 0
exec 3>&1
P=$( { "$LS" ${shWords(LSOF_ARGS)} 2>/dev/null | tee /dev/fd/4 >&3; } 4>&1 | tr '\\000' '\\n' | sed -n 's/^p\\([0-9][0-9]*\\)$/\\1/p' | tr '\\n' ',')
P=\${P%,}
if [ -n "$P" ]; then
  m ps 0; TZ=UTC0 ps ${shWords(psIdentityArgs([]).slice(0, -1))} "$P" 2>/dev/null
  m psargs 0; ps ${shWords(psArgsArgs([]).slice(0, -1))} "$P" 2>/dev/null | cut -c 1-${CMDLINE_CAP}
fi
m end 0; exit 0`;
}

/** Options of {@link listScript}. */
export interface ListScriptOptions {
  /**
   * Tests only: take the lsof branch even where /proc/net exists, so a Linux sshd fixture can
   * check it against the procfs branch on the same listeners.
   */
  readonly forceLsof?: boolean;
}

/** Builds the listing script; `nonce` comes from the caller's CSPRNG. */
export function listScript(nonce: string, options: ListScriptOptions = {}): string {
  if (!isNonce(nonce)) throw new Error('listScript: bad nonce');
  const M = `@@${nonce}`;
  return `# harbormaster remote listing v${LIST_SCRIPT_VERSION}
export LC_ALL=C
m() { printf '\\n${M} %s %s\\n' "$1" "$2"; }
m version ${LIST_SCRIPT_VERSION}
u=""; while read -r k v x; do [ "$k" = "Uid:" ] && { u=$v; break; }; done 2>/dev/null < /proc/self/status
[ -n "$u" ] || u=$(id -u 2>/dev/null)
m uid "$u"
if [ ${options.forceLsof ? 1 : 0} = 1 ] || [ ! -r /proc/net/tcp ]; then
${lsofBranch()}
fi
${netFilesSnippet()}
# Builtins from here on, except the one awk (+ its ls) and one head per holder: forks are what a
# snapshot costs on a loaded remote.
# The dump goes straight to stdout; only the holder pids come back (on stderr) for the loop.
exec 3>&1
P=$( { ${awkDump(M)}; } 2>&1 1>&3 )
for p in $P; do
  case $p in *[!0-9]*) continue;; esac
  m pid "$p"
  read -r s 2>/dev/null < /proc/$p/stat && { m stat "$p"; printf '%s' "$s"; }
  u=""; while read -r k v rest; do [ "$k" = "Uid:" ] && { u=$v; break; }; done 2>/dev/null < /proc/$p/status
  m puid "$p $u"
  m cmdline "$p"; head -c ${CMDLINE_CAP} 2>/dev/null < /proc/$p/cmdline
  if cd /proc/$p/cwd 2>/dev/null; then m cwd "$p"; pwd -P; cd /; fi
done
while read -r k v; do [ "$k" = btime ] && m btime "$v"; done < /proc/stat
m passwd 0
while IFS= read -r l; do printf '%s\\n' "$l"; done 2>/dev/null < /etc/passwd
m end 0
`;
}
