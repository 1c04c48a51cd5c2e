#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Python's own email test messages read by `smtpsh mime --json` and by
# Python's email parser (policy.default): the same tree for each, or a
# difference named with its reason in mime_corpus.py's table.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
data=/usr/lib/python3.11/test/test_email/data
if ! ls "$data"/msg_*.txt >/dev/null 2>&1; then
	echo "FAIL mime_corpus: $data missing (tools/deps.sh test installs libpython3.11-testsuite)"
	exit 1
fi
exec python3 "$(dirname "$0")/mime_corpus.py" "$SMTPSH" "$data"
