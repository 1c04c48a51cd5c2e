#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Chinese documentation against the program, not against copied prose:
# README.zh-CN.md gives README.md's two set-up commands, which name real
# make targets; every option `smtpsh --help` and `smtpsh lab --help` list and
# every subcommand in smtpsh/cli.c's table shows in both rendered man pages;
# the Chinese page has the English page's sections and items in the same
# order; groff -ww is silent on both (also at 78 columns, where a Chinese
# line that cannot break would warn); `make install` puts each page and the
# catalogue where man and gettext look.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export LANG=C.UTF-8 LC_ALL=C.UTF-8
fails=0
check() { # check NAME CONDITION-RESULT(0 ok) [DETAIL]
	if [ "$2" = 0 ]; then
		echo "ok    $1"
	else
		fails=$((fails + 1))
		echo "FAIL  $1${3:+: $3}"
	fi
}
en_page=$repo/docs/smtpsh.1
zh_page=$repo/docs/smtpsh.zh_CN.1

# 1. The set-up commands: the indented `sh tools/deps.sh ...` lines.
setup_of() { grep -E '^    sh tools/deps\.sh ' "$1"; }
setup_of "$repo/README.md" >en.setup
setup_of "$repo/README.zh-CN.md" >zh.setup
check "README.md has two set-up commands" "$([ "$(grep -c . en.setup)" = 2 ] && echo 0 || echo 1)" \
	"$(tr '\n' '|' <en.setup)"
cmp -s en.setup zh.setup
check "README.zh-CN.md's set-up commands are README.md's" $? "$(tr '\n' '|' <zh.setup)"
# ... and each names deps.sh sets and make targets that exist.
while read -r line; do
	line=${line#    }
	sets=$(sed -n 's/^sh tools\/deps\.sh \([a-z ]*\) &&.*/\1/p' <<<"$line")
	target=$(sed -n 's/.*&& make \([a-z-]*\)$/\1/p' <<<"$line")
	rc=0
	for s in $sets; do grep -qE "^[[:space:]]+$s\) pkgs=" "$repo/tools/deps.sh" || rc=1; done
	[ -n "$sets" ] && [ -n "$target" ] && make -n -C "$repo" "$target" >/dev/null 2>&1 || rc=1
	check "set-up command runs real sets and target: $line" $rc
done <en.setup

# 2. Options and subcommands.  Rendered with a line too long to break and
# without hyphenation, so an option is one word; U+2010/U+2212 read as "-".
render() { # render PAGE [WIDTH]: plain text, stderr kept for the caller
	groff -k -man -Tutf8 -P-cbou -rHY=0 -rLL="${2:-2000}n" "$1" | sed 's/‐/-/g; s/−/-/g'
}
render "$en_page" >en.txt 2>/dev/null
render "$zh_page" >zh.txt 2>/dev/null
# option lines of a --help: the names before the description ("-t, --timeout SECS")
options_of() {
	"$SMTPSH" "$@" --lang=en --help 2>&1 | grep -E '^ {2,8}-' | sed 's/^ *//; s/  .*//' |
		grep -oE '(^|[ ,])--?[A-Za-z0-9][a-z-]*([ ,=]|$)' | sed 's/^[ ,]*//; s/[ ,=]$//' | sort -u
}
{
	options_of
	options_of lab
} | sort -u >options
n=$(grep -c . options)
check "--help and lab --help list options ($n)" "$([ "$n" -ge 30 ] && echo 0 || echo 1)"
python3 -c 'import re, sys
for m in re.finditer(r"\[CMD_[A-Z_]*\]\s*=\s*\{\s*\"([a-z]+)\"", open(sys.argv[1]).read()):
    print(m.group(1))' "$repo/smtpsh/cli.c" >subcommands
n=$(grep -c . subcommands)
check "cli.c's table has subcommands ($n)" "$([ "$n" -ge 6 ] && echo 0 || echo 1)"
for page in en zh; do
	missing=""
	while read -r opt; do
		grep -qE -- "(^|[^-A-Za-z0-9])$opt([^-A-Za-z0-9]|$)" $page.txt || missing="$missing $opt"
	done <options
	check "$page man page has every option" "$([ -z "$missing" ] && echo 0 || echo 1)" "missing:$missing"
	missing=""
	while read -r cmd; do
		grep -qE "smtpsh $cmd([^a-z]|$)" $page.txt || missing="$missing $cmd"
	done <subcommands
	check "$page man page has every subcommand" "$([ -z "$missing" ] && echo 0 || echo 1)" \
		"missing:$missing"
done

# 3. The whole page is translated: the same sections and the same item tags
# (options, helpers, exit codes), in the same order; its prose is Chinese.
skeleton() { # the line after each .TP and the count of .SH, .TP, .PP
	awk '/^\.TP/ { tag = 1; next } tag { print; tag = 0 }' "$1"
	for m in SH TP PP; do echo "$m $(grep -c "^\.$m" "$1")"; done
}
skeleton "$en_page" >en.skel
skeleton "$zh_page" >zh.skel
diff en.skel zh.skel >skel.diff
check "zh page has the English page's sections and items in order" $? "$(head -4 skel.diff | tr '\n' '|')"
cjk=$(grep -oP '\p{Han}' zh.txt | wc -l)
check "zh page renders Chinese ($cjk Han characters)" "$([ "$cjk" -ge 2500 ] && echo 0 || echo 1)"
cjk=$(grep -oP '\p{Han}' "$repo/README.zh-CN.md" | wc -l)
check "README.zh-CN.md is Chinese ($cjk Han characters)" "$([ "$cjk" -ge 1500 ] && echo 0 || echo 1)"

# 4. groff has nothing to say, at the widths man uses and on a narrow
# terminal.  The Chinese page is UTF-8: it goes through preconv (-k) as
# man-db sends it; plain troff would read its bytes as Latin-1.
for page in "$en_page" "$zh_page"; do
	hows=("-k -z" "-k" "-k -rLL=78n" "-k -rLL=65n")
	[ "$page" = "$en_page" ] && hows+=("-z")
	for how in "${hows[@]}"; do
		# shellcheck disable=SC2086
		groff $how -man -Tutf8 -ww "$page" >/dev/null 2>warn
		check "groff -ww $how $(basename "$page") is silent" \
			"$([ ! -s warn ] && echo 0 || echo 1)" "$(head -2 warn | tr '\n' '|')"
	done
done

# 5. make install: both pages and the catalogue where man and gettext look.
bdir=$(dirname "$SMTPSH")
mkargs=()
case $(basename "$bdir") in
build-san) mkargs=(SAN=1) ;;
build) ;;
*) bdir="" ;;
esac
dest=$work/dest
make -s -C "$repo" ${bdir:+B="$bdir"} "${mkargs[@]}" install DESTDIR="$dest" PREFIX=/usr >make.log 2>&1
check "make install DESTDIR PREFIX=/usr" $? "$(tail -2 make.log | tr '\n' '|')"
cmp -s "$en_page" "$dest/usr/share/man/man1/smtpsh.1"
check "English page in man/man1" $?
cmp -s "$zh_page" "$dest/usr/share/man/zh_CN/man1/smtpsh.1"
check "Chinese page in man/zh_CN/man1" $?
render "$dest/usr/share/man/zh_CN/man1/smtpsh.1" 2>/dev/null | cmp -s - zh.txt
check "the installed Chinese page renders as docs/smtpsh.zh_CN.1" $?
mo=$dest/usr/share/locale/zh_CN/LC_MESSAGES/smtpsh.mo
translated=$(msgunfmt "$mo" 2>/dev/null | grep -c '^msgstr "[^"]')
check "catalogue in locale/zh_CN/LC_MESSAGES ($translated translations)" \
	"$([ "$translated" -ge 1 ] && echo 0 || echo 1)"

if [ "$fails" = 0 ]; then
	echo "PASS t_docs_zh"
	exit 0
fi
echo "FAIL t_docs_zh: $fails checks failed"
exit 1
