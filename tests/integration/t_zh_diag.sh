#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The diagnosis area in Simplified Chinese: `smtpsh explain` of pasted
# refusals and `smtpsh doctor` against the lab's QQ persona, each run
# under LANG=C and LANG=zh_CN.UTF-8.  Checked: every line of words holds
# Chinese, the pasted reply, sources, exit codes and doctor's --json keys
# and tokens are the same in both languages, the step column lines up by
# display width, and --lang=en under a Chinese LANG gives the English
# run.  The lab is stopped by its pid only.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

# check NAME PYTHON-EXPR FILES...: passes when the expression, given the
# files' texts as t[0], t[1]... and the helpers cjk(line) and width(s),
# is true.
check() {
	local name=$1 expr=$2
	shift 2
	if "$PY" - "$expr" "$@" <<'EOF'; then pass "$name"; else fail "$name" "$(head -c 900 "$1")"; fi
import sys, unicodedata
def cjk(s):  # ideographs, or the full-width punctuation of a Chinese sentence
    return any('\u4e00' <= c <= '\u9fff' or '\uff01' <= c <= '\uff1f' or c in '\u3001\u3002' for c in s)
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
t = [open(f, encoding='utf-8').read() for f in sys.argv[2:]]
sys.exit(0 if eval(sys.argv[1]) else 1)
EOF
}

# ---- explain, offline ----
qq="535 Login Fail. Please enter your authorization code to login"
explain() { # OUT LANGVALUE ARGS...: stdout in OUT, stderr in OUT.err, exit in OUT.rc
	local out=$1 lang=$2
	shift 2
	local rc=0
	LANG=$lang LC_ALL= LC_MESSAGES= LANGUAGE= "$SMTPSH" explain "$@" >"$out" 2>"$out.err" || rc=$?
	echo "$rc" >"$out.rc"
}
explain "$dir/ex.en" C --provider qq "$qq"
explain "$dir/ex.zh" zh_CN.UTF-8 --provider qq "$qq"
explain "$dir/ex.en2" zh_CN.UTF-8 --lang=en --provider qq "$qq"
explain "$dir/gen.en" C "535 5.7.8 Error: authentication failed"
explain "$dir/gen.zh" zh_CN.UTF-8 "535 5.7.8 Error: authentication failed"

lines='[l for l in t[{0}].splitlines() if l.strip()]'
check "explain: every line of the QQ refusal's explanation holds Chinese" \
	"len(${lines//\{0\}/1}) >= 5 and all(cjk(l) for l in ${lines//\{0\}/1})" "$dir/ex.en" "$dir/ex.zh"
check "explain: the pasted reply and the source are the same in both languages" \
	"${lines//\{0\}/0}[0].split(': ', 1)[1] == ${lines//\{0\}/1}[0].split('：', 1)[1] and \
	 ${lines//\{0\}/0}[-1].split(': ', 1)[1] == ${lines//\{0\}/1}[-1].split('：', 1)[1]" \
	"$dir/ex.en" "$dir/ex.zh"
check "explain: the generic refusal (no provider) is explained in Chinese too" \
	"all(cjk(l) for l in ${lines//\{0\}/1}) and len(${lines//\{0\}/1}) == len(${lines//\{0\}/0})" \
	"$dir/gen.en" "$dir/gen.zh"
check "explain: --lang=en under LANG=zh_CN.UTF-8 is the English run" "t[0] == t[1]" \
	"$dir/ex.en" "$dir/ex.en2"
explain "$dir/bad.en" C --provider nosuch "$qq"
explain "$dir/bad.zh" zh_CN.UTF-8 --provider nosuch "$qq"
check "explain: an unknown provider is refused in Chinese, with the same exit status" \
	"t[0] == t[1] != '0\n' and cjk(t[3]) and 'nosuch' in t[3] and not cjk(t[2])" \
	"$dir/bad.en.rc" "$dir/bad.zh.rc" "$dir/bad.en.err" "$dir/bad.zh.err"

# ---- doctor against the lab's QQ persona ----
line_timeout=3
[ "${SMTPSH_SAN:-}" = 1 ] && line_timeout=15
lab_options=(--idle-timeout 20 --line-timeout "$line_timeout")
. "$here/lab_run.sh"
CA="$dir/lab/ca.pem"
start_lab --persona qq

doctor() { # OUT LANGVALUE SECRET ARGS...
	local out=$1 lang=$2 secret=$3
	shift 3
	local rc=0
	SMTPSH_PASSWORD=$secret LANG=$lang LC_ALL= LC_MESSAGES= LANGUAGE= "$SMTPSH" doctor \
		--cafile "$CA" -t 10 --smtp "smtps://127.0.0.1:$SMTPS" \
		--pop3 "pop3s://127.0.0.1:$POP3S" "$@" alice@qq.com >"$out" 2>"$out.err" </dev/null || rc=$?
	echo "$rc" >"$out.rc"
}
# the account password where QQ wants the authorization code: a failure
doctor "$dir/dr.en" C alice-pw
doctor "$dir/dr.zh" zh_CN.UTF-8 alice-pw
doctor "$dir/dr.en2" zh_CN.UTF-8 alice-pw --lang=en
doctor "$dir/js.en" C alice-pw --json
doctor "$dir/js.zh" zh_CN.UTF-8 alice-pw --json
doctor "$dir/ok.zh" zh_CN.UTF-8 alicecode1234567

check "doctor: the refused password ends with exit 1 in both languages" \
	"t[0] == t[1] == '1\n'" "$dir/dr.en.rc" "$dir/dr.zh.rc"
check "doctor: every line of the report holds Chinese" \
	"len(${lines//\{0\}/0}) > 10 and all(cjk(l) for l in ${lines//\{0\}/0})" "$dir/dr.zh"
check "doctor: the right code passes, every line in Chinese" \
	"t[1] == '0\n' and all(cjk(l) for l in ${lines//\{0\}/0})" "$dir/ok.zh" "$dir/ok.zh.rc"
# step lines: two spaces, the outcome padded to 5 columns, the step name
steps='[l for l in t[{0}].splitlines() if l.startswith("  ") and not l.startswith("   ")]'
check "doctor: the step names start at the same display column in both languages" \
	"len(${steps//\{0\}/0}) == len(${steps//\{0\}/1}) > 5 and \
	 [width(l[:l.index(n)]) for l, n in zip(${steps//\{0\}/1}, [s.split()[1] for s in ${steps//\{0\}/0}])] == \
	 [8] * len(${steps//\{0\}/0})" "$dir/dr.en" "$dir/dr.zh"
check "doctor: --lang=en under LANG=zh_CN.UTF-8 is the English report" \
	"[l for l in t[0].splitlines() if not l.startswith('checked:')] == \
	 [l for l in t[1].splitlines() if not l.startswith('checked:')]" "$dir/dr.en" "$dir/dr.en2"
check "doctor --json: keys, step names, outcomes, causes and sources stay English" \
	"(lambda a, b: [sorted(x) for x in [a] + a['steps']] == [sorted(x) for x in [b] + b['steps']] \
	  and a['provider'] == b['provider'] != '' and \
	  [(s['name'], s['ok'], s['outcome'], s['cause'], s['source']) for s in a['steps']] == \
	  [(s['name'], s['ok'], s['outcome'], s['cause'], s['source']) for s in b['steps']])( \
	  __import__('json').loads(t[0]), __import__('json').loads(t[1]))" "$dir/js.en" "$dir/js.zh"
check "doctor --json: the failing step's why and fix follow the language" \
	"(lambda a, b: len(a) == len(b) and len([s for s in a if s['why']]) > 0 and \
	  all(x['why'] != y['why'] and x['fix'] != y['fix'] and cjk(y['why']) and cjk(y['fix']) \
	      for x, y in zip(a, b) if x['why'] or x['fix']))( \
	  __import__('json').loads(t[0])['steps'], __import__('json').loads(t[1])['steps'])" "$dir/js.en" "$dir/js.zh"

stop_lab
[ "$fails" = 0 ]
