#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The yardstick for `smtpsh mime`: Python's email parser reads the file
(BytesParser, policy.default), walks the parts and decodes each payload."""
import email.parser
import email.policy
import sys

with open(sys.argv[1], "rb") as f:
    msg = email.parser.BytesParser(policy=email.policy.default).parse(f)
decoded = 0
for part in msg.walk():
    if not part.is_multipart():
        decoded += len(part.get_payload(decode=True) or b"")
print(f"{decoded} bytes decoded")
