#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The lab in Simplified Chinese: the same sessions (the QQ persona: a
# refused account password, the authorization code, an unknown recipient,
# an unknown command; POP3 with a wrong and a right secret) against the lab
# run in English (LANG=C), under LANG=zh_CN.UTF-8, and with --lang en under
# LANG=zh_CN.UTF-8.  Checked: the Chinese lab writes every log note (##)
# and event (==) and every line of its start-up text that is not protocol
# with Chinese in it; what crossed the wire (S:/C: in the log, and the
# client's transcript) is byte-identical to the English run; the users
# table keeps its columns; --lang en gives the English run back.  The
# client always speaks English: only the lab's language changes.  Each lab
# is stopped by its pid.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
shell_limit=20
[ "${SMTPSH_SAN:-}" = 1 ] && shell_limit=90
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

lab_options=()
. "$here/lab_run.sh"

# One run: the lab in its own directory (fresh certificates each time, so
# the start-up text has the same lines), the sessions, the lab stopped.
# NAME ENV... -- LAB-OPTIONS...
run_lab() {
	local name=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	mkdir -p "$dir/$name"
	env -u LANGUAGE -u LC_ALL -u LC_MESSAGES "${envs[@]}" "$SMTPSH" lab "$@" --dir "$dir/$name/lab" \
		--port-base "$base" --persona qq --idle-timeout 20 --line-timeout 5 \
		>"$dir/$name/out" 2>&1 &
	labpid=$!
	runs=$((runs + 1))
	if ! "$PY" "$CLIENTS" wait "$SMTP" "$SUB" "$SMTPS" "$POP3" "$POP3S" >/dev/null; then
		fail "$name: the lab did not start" "$(head -5 "$dir/$name/out")"
		return 1
	fi
	local ca="$dir/$name/lab/ca.pem" plain_pw plain_code
	plain_pw=$(printf '\0alice@qq.com\0alice-pw' | base64 -w0)
	plain_code=$(printf '\0alice@qq.com\0alicecode1234567' | base64 -w0)
	printf '%s\n' 'EHLO me' "AUTH PLAIN $plain_pw" "AUTH PLAIN $plain_code" \
		'MAIL FROM:<alice@qq.com>' 'RCPT TO:<nobody@qq.com>' 'RCPT TO:<bob@qq.com>' \
		'FOO' 'RSET' 'QUIT' |
		LANG=C timeout "$shell_limit" "$SMTPSH" --lang en --no-history \
			--record "$dir/$name/smtp.rec" --cafile "$ca" "smtps://127.0.0.1:$SMTPS" \
			>"$dir/$name/smtp.out" 2>&1
	printf '%s\n' 'USER bob@qq.com' 'PASS bob-pw' 'USER bob@qq.com' 'PASS bobcode123456789' \
		'STAT' 'LIST' 'RETR 9' 'QUIT' |
		LANG=C timeout "$shell_limit" "$SMTPSH" --lang en --no-history \
			--record "$dir/$name/pop3.rec" --cafile "$ca" "pop3s://127.0.0.1:$POP3S" \
			>"$dir/$name/pop3.out" 2>&1
	stop_lab
}

run_lab en LANG=C -- || exit 1
run_lab zh LANG=zh_CN.UTF-8 -- || exit 1
run_lab en_under_zh LANG=zh_CN.UTF-8 -- --lang en || exit 1

# The checks read the runs' files: python, for the CJK test and the columns.
"$PY" - "$dir" <<'EOF'
import re, sys
from pathlib import Path

d = Path(sys.argv[1])
failed = 0

def check(ok, name, detail=""):
    global failed
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    failed += not ok

def cjk(s):
    """Chinese characters or Chinese punctuation (、，：)."""
    return any('\u4e00' <= c <= '\u9fff' or '\u3000' <= c <= '\u303f' or
               '\uff00' <= c <= '\uffef' for c in s)

def apop(line):
    """The APOP timestamp of a POP3 greeting is the lab's pid and clock."""
    return re.sub(r"<[^<>@]*@lab\.smtpsh\.test>", "<TIMESTAMP>", line)

def split(name):
    """(start-up text lines, log lines without time and connection label)."""
    banner, log = [], []
    for line in (d / name / "out").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[^]]*\] (.*)$", line)
        if m:
            log.append(m.group(1))
        elif log:
            log.append("@end " + line)  # the line after the lab stopped
        else:
            banner.append(line)
    return banner, log

def normal(lines, name):
    """Fingerprints and the run's directory vary between runs."""
    return [re.sub(r"SHA256 [0-9A-F:]+", "SHA256 X", l).replace(str(d / name), "DIR")
            for l in lines]

def timeless(log):
    """Notes, events and the wire, without the seconds a connection lasted."""
    return [apop(re.sub(r"\d+\.\d s$", "N s", l)) for l in log
            if l.startswith(("## ", "== ", "S: ", "C: "))]

en_banner, en_log = split("en")
zh_banner, zh_log = split("zh")
back_banner, back_log = split("en_under_zh")

wire = lambda log: [apop(l) for l in log if l.startswith(("S: ", "C: "))]
check(len(wire(en_log)) > 20 and wire(zh_log) == wire(en_log),
      "zh lab: what crossed the wire (S:/C: lines of the log) is the English run's",
      f"{len(wire(en_log))} vs {len(wire(zh_log))} lines")
for kind in ("smtp", "pop3"):
    en_rec = (d / "en" / f"{kind}.rec").read_bytes()
    zh_rec = (d / "zh" / f"{kind}.rec").read_bytes()
    strip = lambda b: [apop(l) for l in b.decode("utf-8", "replace").split("\n")
                       if l.startswith(("S:", "R:"))]
    check(strip(en_rec) and strip(zh_rec) == strip(en_rec),
          f"zh lab: the client's {kind} transcript (S:/R:) is the English run's")

notes = [l for l in zh_log if l.startswith(("## ", "== "))]
english = [l for l in notes if not cjk(l)]
check(len(notes) >= 15 and not english, f"zh lab: every log note and event ({len(notes)}) is in Chinese",
      "; ".join(english[:3]))
en_notes = [l for l in en_log if l.startswith(("## ", "== "))]
same = [e for e, z in zip(en_notes, notes) if e == z]
check(len(en_notes) == len(notes) and not same,
      "zh lab: each note and event is the English run's, translated",
      f"{len(en_notes)} vs {len(notes)}; {same[:2]}")
refusal = [l for l in zh_log if l.startswith("## AUTH PLAIN") and "alice@qq.com" in l]
check(len(refusal) == 1 and cjk(refusal[0]) and "--persona qq" in refusal[0],
      "zh lab: the refused account password says why, in Chinese, naming the persona",
      repr(refusal))

check(len(zh_banner) == len(en_banner) and len(en_banner) > 15,
      "zh lab: the start-up text has the English one's lines", f"{len(zh_banner)} vs {len(en_banner)}")
changed = [(e, z) for e, z in zip(normal(en_banner, "en"), normal(zh_banner, "zh")) if e != z]
check(changed and all(cjk(z) for _, z in changed),
      f"zh lab: each start-up line that differs ({len(changed)}) is in Chinese",
      repr([z for _, z in changed if not cjk(z)][:2]))
protocol = [z for z in zh_banner if z.lstrip().startswith(("swaks ", "curl ", "--auth"))
            or re.match(r"^(smtps?|pop3s?)://", z) or re.match(r"^  \S+@\S+ ", z)]
en_protocol = [e for e in en_banner if e.lstrip().startswith(("swaks ", "curl ", "--auth"))
               or re.match(r"^(smtps?|pop3s?)://", e) or re.match(r"^  \S+@\S+ ", e)]
check(len(protocol) == len(en_protocol) >= 9 and
      all(z.split()[:2] == e.split()[:2] for z, e in zip(protocol, en_protocol)) and
      all(z == e for z, e in zip(normal(protocol, "zh"), normal(en_protocol, "en"))
          if not re.match(r"^(smtps?|pop3s?)://", z)),
      "zh lab: URLs, the users table and the client commands are as in English")
users = [z for z in zh_banner if re.match(r"^  \S+@qq\.com ", z)]
cols = {tuple(m.start() for m in re.finditer(r"(?<= )\S", u)) for u in users}
check(len(users) == 2 and len(cols) == 1, "zh lab: the users table's columns line up", repr(users))

check(normal(back_banner, "en_under_zh") == normal(en_banner, "en") and
      timeless(back_log) == timeless(en_log),
      "--lang en under LANG=zh_CN.UTF-8: the English run")
sys.exit(1 if failed else 0)
EOF
rc=$?
[ $rc = 0 ] && [ $fails = 0 ] || exit 1
exit 0
