#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads back what t_compose.sh built, as real software does.

  compose_check.py retr PORT USER PASS N OUT   RETR message N over POP3 into OUT
  compose_check.py tree FILE                   the MIME tree by Python's email parser
                                               (policy.default): one line per part,
                                               "depth type filename sha256": of the
                                               bytes of a file, of the text (LF, no final break) of a text
  compose_check.py header FILE NAME            the decoded value of header NAME
Exit status 0 on success.
"""
import email
import email.policy
import hashlib
import poplib
import sys


def retr(port, user, password, n, out):
    p = poplib.POP3("127.0.0.1", int(port), timeout=10)
    p.user(user)
    p.pass_(password)
    _, lines, _ = p.retr(int(n))
    p.quit()
    with open(out, "wb") as f:
        f.write(b"\r\n".join(lines) + b"\r\n")
    return 0


def read(path):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.default)


def tree(path):
    def walk(part, depth):
        if part.is_multipart():
            print(depth, part.get_content_type(), "-", "-")
            for sub in part.iter_parts():
                walk(sub, depth + 1)
            return
        payload = part.get_payload(decode=True) or b""
        if part.get_content_maintype() == "text" and not part.get_filename():
            # a text's line breaks are CRLF on the wire (its canonical form)
            payload = part.get_content().replace("\r\n", "\n").rstrip("\n").encode()
        print(depth, part.get_content_type(), part.get_filename() or "-",
              hashlib.sha256(payload).hexdigest())
    walk(read(path), 0)
    return 0


def header(path, name):
    print(str(read(path)[name]))
    return 0


def main(argv):
    if argv[1] == "retr":
        return retr(*argv[2:7])
    if argv[1] == "tree":
        return tree(argv[2])
    if argv[1] == "header":
        return header(argv[2], argv[3])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
