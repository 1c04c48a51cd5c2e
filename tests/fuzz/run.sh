#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds every tests/fuzz/fuzz_*.c with clang's libFuzzer (+ ASan, UBSan)
# and runs each for FUZZ_SECONDS (default 30), seeded from transcripts/ and
# the reference captures.  Prints executions and coverage per target; a
# crash fails the run and leaves its input in build-fuzz/crashes/; crashes
# found before live in tests/fuzz/regressions/ and are replayed first.
#   bash tests/fuzz/run.sh [fuzz_name ...]   (names restrict the run)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-30}
out=$root/build-fuzz
mkdir -p "$out/crashes"
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz: $CC is missing (apt-get install clang libclang-rt-dev)"; exit 1; }
flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$root/lib"

# seeds: server lines and whole transcripts
seed_corpus() {
	local t=$1 dir=$out/corpus-$t
	mkdir -p "$dir"
	local i=0
	for f in "$root"/transcripts/*.txt "$root"/../shared/reference/captures/*.txt; do
		[ -f "$f" ] || continue
		i=$((i + 1))
		case $t in
		fuzz_transcript | fuzz_show) cp "$f" "$dir/seed$i" ;;
		fuzz_reply) { printf '\000\007'; sed -n 's/^R: \{0,1\}//p; s/^S: //p' "$f" | sed 's/$/\r/'; } >"$dir/seed$i" ;;
		fuzz_caps) sed -n 's/^R: 250[- ]//p; s/^S: 250[- ]//p' "$f" | head -20 | while IFS= read -r l; do
				i=$((i + 1)); printf '%s' "$l" >"$dir/cap$i-$RANDOM"; done ;;
		fuzz_b64) printf 'VXNlcm5hbWU6' >"$dir/seed1"; printf 'AGFsaWNlAHNlY3JldA==' >"$dir/seed2" ;;
		fuzz_lab) { printf '\000'; sed -n 's/^S: //p' "$f"; } >"$dir/seed$i" ;;
		esac
	done
	# messages: Python's email test corpus (libpython3.11-testsuite)
	[ "$t" = fuzz_mime ] && for f in /usr/lib/python3.11/test/test_email/data/msg_*.txt; do
		[ -f "$f" ] && cp "$f" "$dir/$(basename "$f")"
	done
	return 0
}

# show's hostile seeds: escapes, C1, bidi, NUL in every kind of line
hostile_seeds() {
	local dir=$out/corpus-$1
	printf '%s\n' '#smtpsh-transcript 1' $'# target: smtp://\x1b[2Jh:25' $'# a \xe2\x80\xae comment' \
		'-- evil \x1b]0;pwned\x07' 'R: 220 \xc2\x9b2J \xe2\x81\xa6x' $'S: \x1b[31mVERB x' \
		'R: 500 no' 'S: DATA' 'R: 354 go' 'S: ..\x1b[2J' 'S: .' 'R: 250 ok' >"$dir/hostile1"
	printf '#smtpsh-transcript 1\n# protocol: pop3\nR: +OK <1.2@\033[31m>\nS: UIDL 1\nR: +OK \302\233x\nS: CAPA\nR: +OK\nR: SASL \033[5mX\nR: .\n' >"$dir/hostile2"
	printf 'R: 220 a\000b\nS: EHLO \000\nR: 250 x\000\n' >"$dir/hostile3"
}

pass=0 fail=0
for src in "$root"/tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	if [ $# -gt 0 ]; then
		case " $* " in *" $t "*) ;; *) continue ;; esac
	fi
	extra=
	# show's whole rendering path lives in smtpsh/
	# (every file of it but main.c: render and the helpers reach most of the rest)
	[ "$t" = fuzz_show ] && extra="$(ls "$root"/smtpsh/*.c | grep -v '/main\.c$' | tr '\n' ' ') -I$root/smtpsh -lreadline"
	$CC $flags -o "$out/$t" "$src" "$root"/lib/*.c "$root"/lib/lab/*.c "$root"/lib/mime/*.c $extra -lssl -lcrypto
	seed_corpus "$t"
	[ "$t" = fuzz_show ] && hostile_seeds "$t"
	log=$out/$t.log
	# every crash found so far stays a regression: run those inputs first
	for r in "$root"/tests/fuzz/regressions/"$t"-*; do
		[ -f "$r" ] || continue
		"$out/$t" "$r" >"$log" 2>&1 || { echo "fuzz $t: regression $(basename "$r") fails again"; tail -5 "$log"; fail=$((fail + 1)); continue 2; }
	done
	if "$out/$t" -max_total_time="$secs" -max_len=70000 -rss_limit_mb=1024 \
		-artifact_prefix="$out/crashes/$t-" "$out/corpus-$t" >"$log" 2>&1; then
		pass=$((pass + 1))
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | tr -dc 0-9)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | tr -dc 0-9)
		printf 'fuzz %-16s %10s executions in %ss, coverage %s edges\n' "$t" "$runs" "$secs" "$cov"
	else
		fail=$((fail + 1))
		echo "fuzz $t: CRASH (input in $out/crashes/)"
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5
	fi
done
echo "fuzz: $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
