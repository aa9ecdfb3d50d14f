#!/bin/sh
# SSH_ASKPASS helper of Harbormaster's "Trust this host…" (docs/SECURITY.md, Remote hosts (ssh)).
#
# ssh runs this with its prompt as the only argument and reads the answer from stdout. It only
# relays: it writes the one-time token and the prompt into the request FIFO of the private channel
# the app made for this one ssh run, and prints the app's answer if, and only if, it is `yes` or
# `no`. Anything else (refused, channel gone, no token) prints nothing and exits 1, which ssh
# takes as "no" for a host-key question and as an empty (cancelled) answer for anything else, so
# no secret is ever read here. POSIX sh and its built-ins only: no Node, no nc, no temp files.
# The app copies this file into the 0700 per-launch folder it runs it from.

dir=${HARBORMASTER_ASKPASS_DIR-}
token=${HARBORMASTER_ASKPASS_TOKEN-}
[ -n "$dir" ] && [ -n "$token" ] || exit 1
[ -p "$dir/request" ] && [ -p "$dir/answer" ] || exit 1

# Framing: the token, the prompt (it may span lines), then the token again as the end marker.
printf '%s\n%s\n%s\n' "$token" "${1-}" "$token" >"$dir/request" || exit 1
IFS= read -r answer <"$dir/answer" || exit 1
case $answer in
yes | no) printf '%s\n' "$answer" ;;
*) exit 1 ;;
esac
