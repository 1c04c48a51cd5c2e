#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `smtpsh show` streams: a 100 MB transcript (a POP3 session with big RETR
# bodies) is shown in constant memory.  Under the sanitizers (slower,
# bigger) a 20 MB file and no memory bound.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
PY=${PYTHON:-/usr/bin/python3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mb=100
[ "${SMTPSH_SAN:-}" = 1 ] && mb=20
"$PY" "$(dirname "$0")/bulk_transcript.py" pop3 "$dir/big.txt" "$mb"
size=$(stat -c %s "$dir/big.txt")
start=$(date +%s.%N)
/usr/bin/time -f %M -o "$dir/rss" "$SMTPSH" show --color=never "$dir/big.txt" >"$dir/out"
end=$(date +%s.%N)
rss=$(cat "$dir/rss")
lines=$(grep -c '^   # message: 1001 lines' "$dir/out" || true)
mbps=$(awk -v s="$size" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", s / 1048576 / (b - a) }')
echo "show: $((size / 1048576)) MB in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s ($mbps MB/s), peak RSS ${rss} KB, $lines RETR summaries"
[ "$lines" -gt 100 ] || { echo "FAIL: the RETR replies were not summarised"; exit 1; }
tail -2 "$dir/out" | grep -q '^R: +OK bye' || { echo "FAIL: the end of the file was not reached"; exit 1; }
if [ "${SMTPSH_SAN:-}" != 1 ] && [ "$rss" -gt 16384 ]; then
	echo "FAIL: peak RSS $rss KB: show does not stream"
	exit 1
fi
