#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Strict check that bytes are safe to print on a terminal.

usage: termsafe.py [--sgr] FILE...

Fails (exit 1, one line per file saying where and what) on anything a
terminal would obey instead of show: ESC, any other C0 control but LF and
TAB, DEL, a C1 control (U+0080..U+009F, raw or UTF-8 encoded), a bidi
control (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), or bytes
that are not valid UTF-8.  With --sgr, smtpsh's own colours (ESC [ digits
and ';' m) are allowed and nothing else that starts with ESC.

Python 3 standard library only.
"""
import re
import sys

BIDI = {0x061C, 0x200E, 0x200F} | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
SGR = re.compile(rb"\x1b\[[0-9;]*m")


def problem(data, sgr):
    """(offset, description) of the first unsafe thing in data, or None."""
    if sgr:
        data = SGR.sub(b"", data)
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        return e.start, "bytes that are not UTF-8 (%s)" % data[e.start:e.start + 4].hex(" ")
    for i, ch in enumerate(text):
        cp = ord(ch)
        what = None
        if cp == 0x1B:
            what = "ESC"
        elif cp < 0x20 and ch not in "\n\t":
            what = "C0 control 0x%02x" % cp
        elif cp == 0x7F:
            what = "DEL"
        elif 0x80 <= cp < 0xA0:
            what = "C1 control U+%04X" % cp
        elif cp in BIDI:
            what = "bidi control U+%04X" % cp
        if what:
            offset = len(text[:i].encode("utf-8"))
            return offset, what
    return None


def main(argv):
    args = argv[1:]
    sgr = False
    if args and args[0] == "--sgr":
        sgr = True
        args.pop(0)
    if not args:
        sys.stderr.write(__doc__)
        return 2
    bad = 0
    for path in args:
        with open(path, "rb") as f:
            data = f.read()
        p = problem(data, sgr)
        if p:
            offset, what = p
            clean = data if not sgr else SGR.sub(b"", data)
            line = clean[:offset].count(b"\n") + 1
            start = clean.rfind(b"\n", 0, offset) + 1
            print("termsafe: %s: line %d: %s: %r" % (path, line, what, clean[start:offset + 8]))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
