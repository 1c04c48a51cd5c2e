#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `smtpsh mime`: a hand-made message with GBK encoded words, an RFC 2231
# file name, nested multiparts, broken base64 and hostile bytes; the text
# view, the JSON view (checked by Python's json) and the exit statuses.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL mime: $*"; cat -v "$dir/out" 2>/dev/null | head -40; exit 1; }

printf '%s\r\n' \
	'From: =?GBK?B?1cXI/Q==?= <zhang@example.com>' \
	'Subject: =?UTF-8?Q?caf=C3=A9?=' \
	'  =?UTF-8?B?IOKYlQ==?=' \
	$'X-Evil: \x1b]0;pwned\x07' \
	'Content-Type: multipart/mixed; boundary="outer"' \
	'' \
	'preamble' \
	'--outer' \
	'Content-Type: multipart/alternative; boundary=inner' \
	'' \
	'--inner' \
	'Content-Type: text/plain; charset=utf-8' \
	'Content-Transfer-Encoding: quoted-printable' \
	'' \
	'caf=C3=A9 =' \
	'ok' \
	'--inner' \
	'Content-Type: text/html' \
	'' \
	'<p>x</p>' \
	'--inner--' \
	'--outer' \
	'Content-Type: application/octet-stream' \
	"Content-Disposition: attachment; filename*=UTF-8''%E6%B5%8B.txt" \
	'Content-Transfer-Encoding: base64' \
	'Content-ID: <c1@example.com>' \
	'' \
	'Zm9v' \
	'YmFy!!' \
	'--outer--' >"$dir/m.eml"

"$SMTPSH" mime "$dir/m.eml" >"$dir/out" 2>&1 || fail "exit $?"
grep -q '张三 <zhang@example.com>' "$dir/out" || fail "the GBK From is not shown decoded"
grep -q 'café ☕' "$dir/out" || fail "the folded Subject's adjacent words are not joined"
grep -aq $'\x1b' "$dir/out" && fail "an escape reached the terminal"
grep -q '^    #2 text/plain; charset=utf-8, quoted-printable, 8 bytes' "$dir/out" ||
	fail "the QP part is not at depth 2 with its decoded size"
grep -q '测.txt' "$dir/out" || fail "the RFC 2231 file name is not decoded"

"$SMTPSH" mime --json - <"$dir/m.eml" >"$dir/out" 2>&1 || fail "--json exit $?"
python3 - "$dir/out" <<'PY' || fail "the JSON tree is wrong"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
m = d["message"]
assert m["type"] == "multipart/mixed" and m["size"] is None, m["type"]
alt, att = m["children"]
assert [c["type"] for c in alt["children"]] == ["text/plain", "text/html"]
assert alt["children"][0]["size"] == len("café ok".encode()), alt["children"][0]["size"]
assert att["disposition_params"]["filename"] == "测.txt"
assert att["size"] == 6 and att["content_id"] == "<c1@example.com>"
headers = dict(m["headers"])
assert headers["From"] == "张三 <zhang@example.com>", headers["From"]
assert headers["X-Evil"] == "\x1b]0;pwned\x07", repr(headers["X-Evil"])
assert any(p["part"] == 4 for p in d["problems"]), d["problems"]  # the '!!' in base64
PY

# a raw GBK header (not UTF-8) must still give valid UTF-8 JSON
printf 'Subject: \xd5\xc5\r\n\r\nbody\r\n' | "$SMTPSH" mime --json - >"$dir/out" || fail "exit $?"
python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$dir/out" ||
	fail "the JSON is not valid UTF-8"

rc=0
"$SMTPSH" mime "$dir/none.eml" >"$dir/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "an unreadable file gave exit $rc, not 2"
[ "$(wc -l <"$dir/out")" = 1 ] || fail "an unreadable file is not said in one line"
echo "PASS mime"
