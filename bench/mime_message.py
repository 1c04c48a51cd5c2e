#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the benchmark message: MB megabytes (default 100), a tenth of it
a plain text part, the rest a base64 attachment of random bytes (seeded,
so every run reads the same file).
    python3 bench/mime_message.py FILE [MB]"""
import base64
import random
import sys


def main():
    path = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rnd = random.Random(11)
    with open(path, "wb") as out:
        out.write(b"From: a@example.com\r\nTo: b@example.com\r\nSubject: =?UTF-8?B?5rWL6K+V?=\r\n"
                  b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                  b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
        line = b"The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
        out.write(line * (size * 1024 * 1024 // 10 // len(line)))
        out.write(b"--b1\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Transfer-Encoding: base64\r\n"
                  b"Content-Disposition: attachment; filename=\"big.bin\"\r\n\r\n")
        block = rnd.randbytes(3 * 349525)  # a multiple of 3: no padding inside
        encoded = base64.encodebytes(block).replace(b"\n", b"\r\n")
        for _ in range(size * 1024 * 1024 * 9 // 10 // len(encoded)):
            out.write(encoded)
        out.write(b"--b1--\r\n")


if __name__ == "__main__":
    main()
