#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the big transcripts that t_show_big.sh and the benchmarks (bench/) show and replay.

bulk_transcript.py smtp FILE: one SMTP session sending 1000 messages to bob.
bulk_transcript.py pop3 FILE MB: a POP3 session of about MB megabytes of RETR bodies."""
import sys


def smtp(path):
    with open(path, "w") as f:
        f.write("#smtpsh-transcript 1\n# protocol: smtp\nR: 220 x\nS: EHLO bench.example\nR: 250 x\n")
        for i in range(1000):
            f.write("S: MAIL FROM:<alice@localhost>\nR: 250 2.1.0 Ok\nS: RCPT TO:<bob@localhost>\n"
                    "R: 250 2.1.5 Ok\nS: DATA\nR: 354 go\nS: Subject: bulk %d\nS: \nS: %s\nS: .\n"
                    "R: 250 2.0.0 Ok: queued as X\n" % (i, "x" * 60))
        f.write("S: QUIT\nR: 221 bye\n")


def pop3(path, mb):
    line = "R: " + "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\n"
    block = "S: RETR 1\nR: +OK 75000 octets\n" + line * 1000 + "R: ..stuffed\nR: .\n"
    with open(path, "w") as f:
        f.write("#smtpsh-transcript 1\n# protocol: pop3\nR: +OK ready\nS: USER bob\nR: +OK\n"
                "S* PASS [secret, 3 bytes]\nR: +OK\n")
        for _ in range(mb * 1024 * 1024 // len(block) + 1):
            f.write(block)
        f.write("S: QUIT\nR: +OK bye\n")


if sys.argv[1] == "smtp":
    smtp(sys.argv[2])
else:
    pop3(sys.argv[2], int(sys.argv[3]))
