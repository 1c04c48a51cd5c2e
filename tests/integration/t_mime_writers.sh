#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Messages built by real writers read by `smtpsh mime --json`: swaks
# --attach (a binary file and a text file) and Python's email package
# (alternative, related with a cid image, a binary attachment with a
# Chinese file name, a GBK text part).  The same tree as Python's parser
# sees, and each attachment's SHA-256 equal to the bytes given the writer.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v swaks >/dev/null || { echo "FAIL mime_writers: swaks missing (tools/deps.sh test)"; exit 1; }
head -c 50000 /dev/urandom >"$work/bin.dat"
printf 'first line\nsecond line, no newline at the end' >"$work/notes.txt"
(cd "$work" && swaks --dump-mail --from a@example.com --to b@example.com --body 'hello' \
	--attach bin.dat --attach-type text/plain --attach notes.txt) 2>/dev/null |
	sed '/^\*\*\*/d' >"$work/swaks.eml"
rc=0
python3 "$here/mime_writers.py" "$SMTPSH" "$work" swaks || rc=1
python3 "$here/mime_writers.py" "$SMTPSH" "$work" python || rc=1
exit $rc
