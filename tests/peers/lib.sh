# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by tests/peers/t_*.sh: where the peers are, how to run smtpsh in
# script mode, and assertions that print the session when they fail.
# A test exits 0 (pass), 77 (skip, automake's convention) or anything else (fail).

peers_dir=${SMTPSH_PEERS_DIR:-/var/lib/smtpsh-peers}
peers_here=$(cd "$(dirname "$0")" && pwd)
[ -f "$peers_dir/env" ] || { echo "no peers in $peers_dir: run tests/peers/setup.sh" >&2; exit 1; }
. "$peers_dir/env"
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"

work=$(mktemp -d "${TMPDIR:-/tmp}/smtpsh-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$work/stdout
err=$work/stderr
rc=0

transcript=$work/transcript

# smtpsh ARGS... < SCRIPT: one script-mode session; stdout, stderr and the
# exit status land in $out, $err, $rc for the assertions below.  The
# transcript goes to $transcript (not the user's state directory) so
# lacks() can check it for secrets too; no history file either.
smtpsh() {
	rc=0
	rm -f "$transcript"
	"$SMTPSH" --color=never --timeout 10 --no-history --record "$transcript" "$@" \
		>"$out" 2>"$err" || rc=$?
	printf '$ smtpsh --timeout 10 %s  (exit %s)\n' "$*" "$rc" >>"$work/log"
	cat "$out" >>"$work/log"
	sed 's/^/stderr: /' "$err" >>"$work/log"
}

fail() {
	echo "FAIL: $*"
	echo "---- sessions so far:"
	cat "$work/log" 2>/dev/null || true
	exit 1
}

# A skip is a failure in CI unless the run expects it (SMTPSH_ALLOW_SKIP
# names the tests that may skip): a test that quietly stops running is
# worse than one that fails.
skip() {
	echo "SKIP ($*)"
	exit 77
}

want_rc() {
	[ "$rc" = "$1" ] || fail "exit status $rc, want $1"
}

# has_line 'R: 250 2.1.0 Ok': that exact line is in stdout.
has_line() {
	grep -qxF -- "$1" "$out" || fail "no line '$1' in stdout"
}

# has 'REGEX' [what]: an extended regex matches a line of stdout.
has() {
	grep -qE -- "$1" "$out" || fail "${2:-no line matching '$1' in stdout}"
}

# lacks 'TEXT': the fixed string occurs nowhere in stdout, stderr or the
# transcript.
lacks() {
	touch "$transcript"
	! grep -qF -- "$1" "$out" "$err" "$transcript" || fail "'$1' appears in the output or transcript"
}

# count 'REGEX': how many stdout lines match.
count() {
	grep -cE -- "$1" "$out" || true
}

# annotated 'LINE-REGEX' 'WORDS-REGEX': the annotation ("   # " lines)
# printed right under a line matching LINE-REGEX (a single-line reply, the
# last line of a multi-line one, or an S: line) mentions one of WORDS,
# case-insensitively.  Annotation wording may change; the tests ask only
# for the one idea a reader must get.
annotated() {
	awk -v r="$1" -v w="$2" '
		$0 ~ r { under = 1; next }
		under && /^   # / { if (tolower($0) ~ tolower(w)) { found = 1; exit } next }
		{ under = 0 }
		END { exit !found }' "$out" ||
		fail "no annotation matching /$2/ under a line matching /$1/"
}

reset_mailboxes() {
	sh "$peers_here/reset.sh" "$@"
}

# maildir_count USER: messages delivered to USER and not yet deleted.
maildir_count() {
	find "$SMTPSH_PEERS_VMAIL/$1/Maildir/new" "$SMTPSH_PEERS_VMAIL/$1/Maildir/cur" -type f | wc -l
}

# wait_delivered USER N: Postfix delivers asynchronously after "250 queued".
wait_delivered() {
	i=0
	while [ "$(maildir_count "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "$1 has $(maildir_count "$1") messages after 10 s, want $2"
		sleep 0.1
	done
}
