#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Chinese notes (issue 13): `show` of the lessons and `smtpsh mime` once
# under LANG=C and once under LANG=zh_CN.UTF-8.  In Chinese every note
# ("   # ") and warning ("!! ") line is translated (it holds a CJK
# character or full-width punctuation, as every note format does), the
# protocol lines (S:, R:, the transcript's events) are byte-identical,
# the decoded MIME text and the --json view do not change, and --lang en
# under a Chinese LANG gives the English run back.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL zh_notes: $*"; exit 1; }

# A message with encoded words, a nested multipart, an attachment and
# broken base64: tree lines, text excerpts and problems.
printf '%s\r\n' \
	'From: =?UTF-8?B?5byg5LiJ?= <zhang@example.com>' \
	'Subject: =?UTF-8?Q?caf=C3=A9?=' \
	'Content-Type: multipart/mixed; boundary="outer"' \
	'' \
	'--outer' \
	'Content-Type: multipart/alternative; boundary=inner' \
	'' \
	'--inner' \
	'Content-Type: text/plain; charset=utf-8' \
	'Content-Transfer-Encoding: quoted-printable' \
	'' \
	'caf=C3=A9 =E4=BD=A0=E5=A5=BD' \
	'--inner--' \
	'--outer' \
	'Content-Type: application/octet-stream' \
	'Content-Disposition: attachment; filename=a.bin' \
	'Content-Transfer-Encoding: base64' \
	'' \
	'Zm9v!!' \
	'--outer--' >"$dir/msg.eml"

runs=0
for f in "$root"/transcripts/*.txt; do
	n=$(basename "$f" .txt)
	LANG=C "$SMTPSH" show "$f" >"$dir/$n.en" 2>&1 || fail "$n: show failed in English"
	LANG=zh_CN.UTF-8 "$SMTPSH" show "$f" >"$dir/$n.zh" 2>&1 || fail "$n: show failed in Chinese"
	LANG=zh_CN.UTF-8 "$SMTPSH" show --lang=en "$f" >"$dir/$n.en2" 2>&1 ||
		fail "$n: show --lang en failed"
	cmp -s "$dir/$n.en" "$dir/$n.en2" || fail "$n: --lang en under LANG=zh_CN.UTF-8 is not the English run"
	runs=$((runs + 1))
done
[ "$runs" -ge 4 ] || fail "expected the four lessons, found $runs"

LANG=C "$SMTPSH" mime "$dir/msg.eml" >"$dir/mime-en.txt" 2>&1 || true
LANG=zh_CN.UTF-8 "$SMTPSH" mime "$dir/msg.eml" >"$dir/mime-zh.txt" 2>&1 || true
LANG=C "$SMTPSH" mime --json "$dir/msg.eml" >"$dir/json-en.txt" 2>&1 || true
LANG=zh_CN.UTF-8 "$SMTPSH" mime --json "$dir/msg.eml" >"$dir/json-zh.txt" 2>&1 || true
cmp -s "$dir/json-en.txt" "$dir/json-zh.txt" || fail "mime --json differs between English and Chinese"
LANG=zh_CN.UTF-8 "$SMTPSH" mime --lang=en "$dir/msg.eml" >"$dir/mime-en2.txt" 2>&1 || true
cmp -s "$dir/mime-en.txt" "$dir/mime-en2.txt" || fail "mime: --lang en is not the English run"

python3 - "$dir" <<'EOF' || exit 1
import sys
from pathlib import Path

d = Path(sys.argv[1])


def cjk(line):
    return any('\u4e00' <= c <= '\u9fff' for c in line)


def translated(line):
    # CJK, or full-width punctuation (a note format's "：" around a
    # protocol word, e.g. "+OK：...")
    return cjk(line) or any('\u3000' <= c <= '\u303f' or '\uff00' <= c <= '\uffef' for c in line)


def fail(why):
    print(f"FAIL zh_notes: {why}")
    sys.exit(1)


def protocol(lines):
    return [l for l in lines if l.startswith(('S: ', 'R: ', '-- '))]


ideographs = 0
for en in sorted(d.glob('*.en')):
    zh = en.with_suffix('.zh')
    el = en.read_text(encoding='utf-8', errors='replace').splitlines()
    zl = zh.read_text(encoding='utf-8', errors='replace').splitlines()
    name = en.stem
    if len(el) != len(zl):
        fail(f"{name}: {len(el)} lines in English, {len(zl)} in Chinese")
    if protocol(el) != protocol(zl):
        fail(f"{name}: the S:/R:/-- lines differ between English and Chinese")
    # a retrieved message's text, shown in notes, is its decoded bytes
    def excerpt(lines):
        return [l for l in lines if l.startswith('   #   | ')]
    if excerpt(el) != excerpt(zl):
        fail(f"{name}: the message text in the notes differs")
    notes = [l for l in zl if l.startswith(('   # ', '!! ')) and not l.startswith('   #   | ')]
    if not notes:
        fail(f"{name}: no note or warning lines")
    for l in notes:
        if not translated(l):
            fail(f"{name}: untranslated line: {l}")
    ideographs += sum(1 for l in zl if cjk(l))

# MIME text view: the decoded excerpt ("  | ") is the same bytes in both,
# and every heading line ("... :") is in Chinese.
el = (d / 'mime-en.txt').read_text(encoding='utf-8').splitlines()
zl = (d / 'mime-zh.txt').read_text(encoding='utf-8').splitlines()
if [l for l in el if l.startswith('  | ')] != [l for l in zl if l.startswith('  | ')]:
    fail("mime: the decoded text differs between English and Chinese")
if not any(l.startswith('  | ') for l in zl):
    fail("mime: no decoded text shown")
heads = [l for l in zl if l and not l.startswith(' ')]
if not heads or not all(cjk(l) for l in heads):
    fail(f"mime: untranslated heading among {heads}")
if ideographs < 10:
    fail(f"only {ideographs} lines with Chinese in the lessons")
EOF
echo "PASS zh_notes"
