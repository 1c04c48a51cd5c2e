#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `smtpsh mime` on a generated 100 MB message (a 90 MB base64 attachment)
# beside Python's email parser on the same file, in the same run: MB/s and
# peak RSS (/usr/bin/time -v), medians of BENCH_RUNS runs taken in turns.
# Goal (issue 11): over 100 MB/s with peak RSS under 20 MB.
#   SMTPSH=build/smtpsh bash bench/mime.sh   (make bench runs it too)
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
runs=${BENCH_RUNS:-5}
mb=${BENCH_MIME_MB:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

msg=$work/message.eml
"$PY" "$root/bench/mime_message.py" "$msg" "$mb"
bytes=$(stat -c %s "$msg")

# measure NAME CMD...: one run, "seconds KB" appended to NAME's file (the
# wall clock read around it; the peak RSS from /usr/bin/time -v)
measure() {
	local name=$1 a b
	shift
	a=$(date +%s%N)
	/usr/bin/time -v -o "$work/time" "$@" >/dev/null
	b=$(date +%s%N)
	awk -v ns=$((b - a)) -F': ' '/Maximum resident set size/ { printf "%.3f %s\n", ns / 1e9, $2 }' \
		"$work/time" >>"$work/$name"
}
median() { sort -n -k"$2" "$work/$1" | awk -v k="$2" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'; }
mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else printf "-" }'; }

for _ in $(seq "$runs"); do
	measure plain "$SMTPSH" mime "$msg"
	measure json "$SMTPSH" mime --json "$msg"
	measure python "$PY" "$root/bench/mime_python.py" "$msg"
done

row() { printf '%-44s %10s %10s %12s\n' "$@"; }
echo "== smtpsh mime on a $((bytes / 1000000)) MB message, a 90% base64 attachment (median of $runs)"
row "" "seconds" "MB/s" "peak RSS KB"
for name in plain json python; do
	case $name in
	plain) label="smtpsh mime (goal > 100 MB/s, < 20000 KB)" ;;
	json) label="smtpsh mime --json (SHA-256 of each part)" ;;
	python) label="Python BytesParser(policy=default) + decode" ;;
	esac
	s=$(median "$name" 1)
	row "$label" "$s" "$(mbs "$s")" "$(median "$name" 2)"
done
awk -v a="$(median plain 1)" -v b="$(median python 1)" -v c="$(median json 1)" \
	'BEGIN { printf "   Python takes %.1fx the time of smtpsh mime (%.1fx of --json)\n", b / a, b / c }'
