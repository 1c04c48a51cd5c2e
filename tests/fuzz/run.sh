#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds every tests/fuzz/fuzz_*.c with clang's libFuzzer (+ ASan, UBSan)
# and runs each for FUZZ_SECONDS (default 30), seeded from transcripts/ and
# the reference captures.  Prints executions and coverage per target; a
# crash fails the run and leaves its input in build-fuzz/crashes/; crashes
# found before live in tests/fuzz/regressions/ and are replayed first.
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
		fuzz_transcript) cp "$f" "$dir/seed$i" ;;
		fuzz_reply) { printf '\000\007'; sed -n 's/^R: \{0,1\}//p; s/^S: //p' "$f" | sed 's/$/\r/'; } >"$dir/seed$i" ;;
		fuzz_caps) sed -n 's/^R: 250[- ]//p; s/^S: 250[- ]//p' "$f" | head -20 | while IFS= read -r l; do
				i=$((i + 1)); printf '%s' "$l" >"$dir/cap$i-$RANDOM"; done ;;
		fuzz_b64) printf 'VXNlcm5hbWU6' >"$dir/seed1"; printf 'AGFsaWNlAHNlY3JldA==' >"$dir/seed2" ;;
		fuzz_lab) { printf '\000'; sed -n 's/^S: //p' "$f"; } >"$dir/seed$i" ;;
		esac
	done
}

pass=0 fail=0
for src in "$root"/tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	$CC $flags -o "$out/$t" "$src" "$root"/lib/*.c -lssl -lcrypto
	seed_corpus "$t"
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
