#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The annotations (lib/annot.c) in Simplified Chinese (issue 13): each
# lesson transcript shown, and SMTP and POP3 sessions typed against the
# lab, once under LANG=C and once under LANG=zh_CN.UTF-8.  The protocol
# lines are the same bytes, every annotation of what the server said is
# Chinese (zh_compare.py), and `--lang en` under LANG=zh_CN.UTF-8, or
# LC_ALL=C over it, gives the English screen.  The lab is stopped by its
# pid only.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
export SMTPSH
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
shell_limit=20
[ "${SMTPSH_SAN:-}" = 1 ] && shell_limit=90
dir=$(mktemp -d)
fails=0
trap 'stop_lab; [ -n "${ZH_KEEP:-}" ] && cp -r "$dir" "$ZH_KEEP"; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
# LANG only: the language comes from the environment, as for a student
in_lang() { # LANG COMMAND...
	local lang=$1
	shift
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" "$@"
}
compare() { # NAME MIN_NOTES: $dir/NAME.en against $dir/NAME.zh
	local out
	if out=$("$PY" "$here/zh_compare.py" "$dir/$1.en" "$dir/$1.zh" "$2"); then
		pass "$1: annotations in Chinese, protocol lines unchanged"
	else
		fail "$1" "$(echo "$out" | head -5)"
	fi
}
same() { # NAME FILE_A FILE_B
	if cmp -s "$2" "$3"; then pass "$1"; else fail "$1" "$(diff "$2" "$3" | head -6)"; fi
}

# ---- show: every lesson, read in either language ----
for t in "$root"/transcripts/*.txt; do
	name=show-$(basename "$t" .txt)
	in_lang C "$SMTPSH" show --color=never "$t" >"$dir/$name.en" 2>&1
	in_lang zh_CN.UTF-8 "$SMTPSH" show --color=never "$t" >"$dir/$name.zh" 2>&1
	compare "$name" 3
	env -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 LC_ALL=C "$SMTPSH" show --color=never "$t" \
		>"$dir/$name.lcall" 2>&1
	same "$name: LC_ALL=C over LANG=zh_CN.UTF-8 is English" "$dir/$name.en" "$dir/$name.lcall"
done

# ---- sessions typed against the lab ----
lab_options=(--idle-timeout 20 --line-timeout 3)
. "$here/lab_run.sh"
start_lab

session() { # NAME URL INPUT
	local name=$1 url=$2 input=$3
	printf '%b' "$input" | in_lang C timeout "$shell_limit" "$SMTPSH" --no-record --no-history \
		"$url" >"$dir/$name.en" 2>&1
	printf '%b' "$input" | in_lang zh_CN.UTF-8 timeout "$shell_limit" "$SMTPSH" --no-record \
		--no-history "$url" >"$dir/$name.zh" 2>&1
	printf '%b' "$input" | in_lang zh_CN.UTF-8 timeout "$shell_limit" "$SMTPSH" --lang en \
		--no-record --no-history "$url" >"$dir/$name.lang-en" 2>&1
	# the APOP timestamp in the lab's POP3 greeting differs per connection
	sed -Ei 's/<[0-9]+\.[0-9]+\.[0-9]+@/<TIMESTAMP@/g' "$dir/$name".*
	compare "$name" 6
	same "$name: --lang en under LANG=zh_CN.UTF-8 is English" "$dir/$name.en" "$dir/$name.lang-en"
}

# codes in and out of context, enhanced codes, EHLO keywords with their
# parameters (SIZE, the AUTH mechanisms), a refused sequence, an
# unregistered code's digits never reached: all from the lab's replies
session smtp "smtp://127.0.0.1:$SMTP" \
	'EHLO me\nRCPT TO:<bob@lab.test>\nMAIL FROM:<alice@lab.test>\nRCPT TO:<bob@lab.test>\nRSET\nNOOP\nVRFY bob\nHELLO me\nAUTH LOGIN\nYWxpY2U=\nd3Jvbmc=\nQUIT\n'
# POP3: CAPA (CAPA tags, SASL mechanisms), a failed PASS with its [AUTH]
# response code, then a login and the TRANSACTION state's commands
session pop3 "pop3://127.0.0.1:$POP3" \
	'CAPA\nUSER bob\nPASS wrong\nUSER bob\nPASS bob-pw\nSTAT\nLIST\nUIDL\nNOOP\nRSET\nQUIT\n'

stop_lab
[ "$fails" = 0 ] || exit 1
exit 0
