#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A test message for t_retr_notes.sh and t_save.sh, written into DIR:

  retr_message.py DIR

  msg.lf     the message with LF line ends (the DATA lines a script types)
  msg.crlf   the same with CRLF (what a RETR must give back after the lab's
             own trace headers)
  body.txt   the UTF-8 text of part #1 (sent in base64)
  long.txt   the text of part #2 (quoted-printable, 20 lines, one starting
             with a dot)
  att.bin    the attachment of part #3 (random bytes, base64), named
             "../../x.sh"
  part4.bin  the bytes of part #4, named "/etc/.." (no usable base name)
"""
import base64
import os
import quopri
import sys

d = sys.argv[1]
body = "你好，世界\n第二行 second line\n".encode()
long_text = "".join(
    ("." if i == 5 else "") + "line %d of the long part\n" % i for i in range(1, 21)
).encode()
att = os.urandom(3000)
part4 = b"fourth part"  # the line end before a boundary is the boundary's


def b64_lines(data):
    enc = base64.encodebytes(data).decode()
    return enc.rstrip("\n").split("\n")


lines = [
    "From: =?GBK?B?1cXI/Q==?= <zhang@example.com>",
    "To: bob@localhost",
    "Subject: notes test",
    "Date: Tue, 01 Dec 2026 10:00:00 +0800",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="=-b1"',
    "",
    "--=-b1",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    *b64_lines(body),
    "--=-b1",
    "Content-Type: text/plain; charset=us-ascii",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    *quopri.encodestring(long_text).decode().rstrip("\n").split("\n"),
    "--=-b1",
    'Content-Type: application/octet-stream; name="x.sh"',
    'Content-Disposition: attachment; filename="../../x.sh"',
    "Content-Transfer-Encoding: base64",
    "",
    *b64_lines(att),
    "--=-b1",
    "Content-Type: application/octet-stream",
    'Content-Disposition: attachment; filename="/etc/.."',
    "",
    part4.decode(),
    "--=-b1--",
]
files = {
    "msg.lf": ("\n".join(lines) + "\n").encode(),
    "msg.crlf": ("\r\n".join(lines) + "\r\n").encode(),
    "body.txt": body,
    "long.txt": long_text,
    "att.bin": att,
    "part4.bin": part4,
}
for name, data in files.items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
