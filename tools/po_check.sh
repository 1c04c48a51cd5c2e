#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The catalogue check (make po-check): for each language, the catalogue
# (po/LANG.po and po/parts/LANG-*.po) merged with the template the
# sources give today must have every msgid translated, none fuzzy, and
# format strings whose arguments match (msgfmt --check); then no
# user-visible string may be left outside gettext (tools/i18n_scan.py).
#   sh tools/po_check.sh build/smtpsh.pot zh_CN
set -eu
pot=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for lang in "$@"; do
	# shellcheck disable=SC2046
	msgcat --use-first -o "$work/$lang.po" $(ls po/"$lang".po po/parts/"$lang"-*.po 2>/dev/null)
	msgmerge -q --no-fuzzy-matching -o "$work/$lang.merged.po" "$work/$lang.po" "$pot"
	if ! msgfmt --check --statistics -o /dev/null "$work/$lang.merged.po" 2>"$work/stats"; then
		cat "$work/stats" >&2
		status=1
		continue
	fi
	stats=$(cat "$work/stats")
	case $stats in
	*untranslated* | *fuzzy*)
		echo "po-check: $lang: $stats" >&2
		msgattrib --untranslated --only-fuzzy "$work/$lang.merged.po" 2>/dev/null | head -0
		msgattrib --untranslated "$work/$lang.merged.po" | grep '^msgid' | head -20 >&2
		status=1
		;;
	*) echo "po-check: $lang: $stats" ;;
	esac
done
python3 tools/i18n_scan.py || status=1
exit $status
