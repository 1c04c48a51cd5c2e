#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Without --cafile the peers' certificate (issued by a throw-away CA) must
# not verify: the session fails before any reply, with a message about it.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh smtps://localhost:465 <<'IN'
QUIT
IN
want_rc 3
! grep -q '^R: 220' "$out" || fail "greeting shown although the certificate did not verify"
grep -qiE 'certificate|verif' "$err" || fail "stderr does not mention the certificate"
