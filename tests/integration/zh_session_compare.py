#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Chinese (zh) tests compare between an English and a Chinese run.

  protocol FILE   the S:/R: lines (what crossed the wire), the lab's
                  random queue id and APOP stamp masked; the same in
                  every language
  transcript FILE a transcript file without its start time and queue id
  count PREFIX FILE  "TOTAL CHINESE" for the lines starting with PREFIX
                  ("   # " notes, "!! " warnings, "» " narration): how many
                  hold a CJK character
  english PREFIX FILE  those of them that hold none (to report)
  columns FILE    a tmux screen of /help: every row "  NAME   TEXT" starts
                  TEXT at the same display column (east_asian_width: a
                  Chinese character takes two); prints "ROWS COLUMN" or
                  the rows that differ and exits 1
"""
import re
import sys
import unicodedata

QUEUE_ID = re.compile(r"queued as [0-9A-Za-z]+")
# the POP3 greeting's APOP timestamp, new on every connection
APOP_STAMP = re.compile(r"<[0-9]+\.[0-9]+\.[0-9]+@[^>]+>")
# times in a retrieved message's headers (Received, Date): the two runs
# may fall on either side of a second
CLOCK = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [-+]\d{4}\b")
TRACE_ID = re.compile(r"\bid [0-9A-Za-z]+\b")


def masked(line):
    line = QUEUE_ID.sub("queued as QUEUEID", line)
    line = TRACE_ID.sub("id QUEUEID", CLOCK.sub("DATE", line))
    return APOP_STAMP.sub("<APOP-STAMP>", line)


def read(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read().splitlines()


def has_cjk(line):
    return any("\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
               for c in line)


def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def protocol(path):
    for line in read(path):
        if line.startswith(("S: ", "R: ")):
            print(masked(line))


def transcript(path):
    for line in read(path):
        if not line.startswith("# started: "):
            print(masked(line))


def selected(prefix, path):
    return [line for line in read(path) if line.startswith(prefix)]


def columns(path):
    row = re.compile(r"^  (\S.*?)( {3,})(\S.*)$")
    found = []
    for line in read(path):
        m = row.match(line)
        if m:
            found.append((width("  " + m.group(1) + m.group(2)), line))
    if len(found) < 10:
        print("only %d help rows on the screen" % len(found))
        return 1
    starts = {}
    for col, _ in found:
        starts[col] = starts.get(col, 0) + 1
    usual = max(starts, key=starts.get)
    odd = [line for col, line in found if col != usual]
    if odd:
        print("second column not at display column %d in:" % usual)
        for line in odd:
            print("  " + line)
        return 1
    print(len(found), usual)
    return 0


def main(argv):
    what = argv[1]
    if what == "protocol":
        protocol(argv[2])
    elif what == "transcript":
        transcript(argv[2])
    elif what == "count":
        lines = selected(argv[2], argv[3])
        print(len(lines), sum(1 for line in lines if has_cjk(line)))
    elif what == "english":
        for line in selected(argv[2], argv[3]):
            if not has_cjk(line):
                print(line)
    elif what == "columns":
        return columns(argv[2])
    else:
        print("zh_compare.py: unknown '%s'" % what, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
