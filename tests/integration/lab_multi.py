#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Clients for tests/integration/t_lab_multi.sh: several messages per SMTP
session, hang-ups, and scripted sessions for the secrets checks.

  lab_multi.py send PORT SESSIONS MESSAGES MODE
      SESSIONS sessions at once, MESSAGES messages each, to carol@localhost;
      MODE is lockstep (one command, one reply), groups (RFC 2920: "." and
      the next MAIL RCPT DATA in one write), oneshot (the whole session in
      one write) or smtplib (Python's smtplib.SMTP.sendmail in a loop).
      Exit 0 when every "." got its 250.
  lab_multi.py hangup PORT
      two messages in one write, nothing read, then a reset (RST).
  lab_multi.py halfline PORT SPOOLDIR data|command
      half a line (in DATA, or of a command), then a close (FIN); prints
      how many spool files existed just before the close.
  lab_multi.py chat smtp|pop3 PORT LINE...
      one line at a time (Python escapes: "\\r", "\\x1b"), waiting for one
      reply each; "~LINE" waits for none; a LINE ending in "\\n" is sent as
      it is (a bare LF).  Prints the replies.
"""
import codecs
import os
import resource
import smtplib
import socket
import struct
import sys
import threading
import time

from lab_clients import recv_reply

RCPT = "carol@localhost"
TIMEOUT = float(os.environ.get("LAB_MULTI_TIMEOUT", "10"))  # a hang fails after this


def message(session, i):
    return (f"Subject: session {session} message {i}\r\n\r\n"
            f"message {i} of session {session}\r\n..a dot-stuffed line\r\n").encode()


def envelope():
    return f"MAIL FROM:<alice@localhost>\r\nRCPT TO:<{RCPT}>\r\nDATA\r\n".encode()


def expect(sock, buf, code, what):
    text, buf = recv_reply(sock, buf)
    if not text.startswith(code):
        raise ValueError(f"{what}: wanted {code}, got {text!r}")
    return text, buf


def session_lockstep(port, sid, n):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    buf = b""
    _, buf = expect(s, buf, "220", "greeting")
    s.sendall(b"EHLO lockstep.example\r\n")
    _, buf = expect(s, buf, "250", "EHLO")
    ok = 0
    for i in range(n):
        s.sendall(b"MAIL FROM:<alice@localhost>\r\n")
        _, buf = expect(s, buf, "250", "MAIL")
        s.sendall(f"RCPT TO:<{RCPT}>\r\n".encode())
        _, buf = expect(s, buf, "250", "RCPT")
        s.sendall(b"DATA\r\n")
        _, buf = expect(s, buf, "354", "DATA")
        s.sendall(message(sid, i) + b".\r\n")
        _, buf = expect(s, buf, "250 2.0.0 Ok: queued as", f"'.' of message {i + 1}")
        ok += 1
    s.sendall(b"QUIT\r\n")
    expect(s, buf, "221", "QUIT")
    s.close()
    return ok


def session_groups(port, sid, n):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    buf = b""
    _, buf = expect(s, buf, "220", "greeting")
    s.sendall(b"EHLO groups.example\r\n")
    _, buf = expect(s, buf, "250", "EHLO")
    s.sendall(envelope())
    ok = 0
    for i in range(n):
        for code, what in (("250", "MAIL"), ("250", "RCPT"), ("354", "DATA")):
            _, buf = expect(s, buf, code, what)
        s.sendall(message(sid, i) + b".\r\n" + (envelope() if i + 1 < n else b"QUIT\r\n"))
        _, buf = expect(s, buf, "250 2.0.0 Ok: queued as", f"'.' of message {i + 1}")
        ok += 1
    expect(s, buf, "221", "QUIT")
    s.close()
    return ok


def session_oneshot(port, sid, n):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    buf = b""
    _, buf = expect(s, buf, "220", "greeting")
    s.sendall(b"EHLO oneshot.example\r\n" +
              b"".join(envelope() + message(sid, i) + b".\r\n" for i in range(n)) + b"QUIT\r\n")
    _, buf = expect(s, buf, "250", "EHLO")
    ok = 0
    for i in range(n):
        for code, what in (("250", "MAIL"), ("250", "RCPT"), ("354", "DATA")):
            _, buf = expect(s, buf, code, what)
        _, buf = expect(s, buf, "250 2.0.0 Ok: queued as", f"'.' of message {i + 1}")
        ok += 1
    expect(s, buf, "221", "QUIT")
    s.close()
    return ok


def session_smtplib(port, sid, n):
    c = smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT)
    c.ehlo("smtplib.example")
    ok = 0
    for i in range(n):
        refused = c.sendmail("alice@localhost", [RCPT], message(sid, i))
        if refused:
            raise ValueError(f"refused: {refused}")
        ok += 1
    c.quit()
    return ok


MODES = {"lockstep": session_lockstep, "groups": session_groups,
         "oneshot": session_oneshot, "smtplib": session_smtplib}


def send(port, sessions, n, mode):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, sessions + 100)), hard))
    results = [0] * sessions
    errors = []

    def run(sid):
        try:
            results[sid] = MODES[mode](port, sid, n)
        except Exception as e:  # a hang shows as a timeout here
            errors.append(f"session {sid}: {type(e).__name__}: {e}")

    t0 = time.time()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - t0
    total = sum(results)
    print(f"{mode}: {sessions} session(s) x {n} message(s): {total} of {sessions * n} '.' "
          f"answered 250 in {took:.2f} s" + (f"; {errors[0]}" if errors else ""))
    return 0 if total == sessions * n and not errors else 1


def hangup(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    recv_reply(s)
    s.sendall(b"EHLO hangup.example\r\n" +
              b"".join(envelope() + message(0, i) + b".\r\n" for i in range(2)))
    time.sleep(1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return 0


def halfline(port, spooldir, where):
    # --max-connections 1: the previous client's slot may still be closing
    # (a slow run under valgrind); a 421 is retried, the half line is not
    end = time.monotonic() + TIMEOUT
    while True:
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        text, buf = recv_reply(s, b"")
        if text.startswith("220") or time.monotonic() > end:
            break
        s.close()
        time.sleep(0.2)
    if not text.startswith("220"):
        raise SystemExit("greeting: wanted 220, got %r" % text)
    if where == "data":
        s.sendall(b"EHLO half.example\r\n" + envelope())
        for code in ("250", "250", "250", "354"):
            _, buf = expect(s, buf, code, "before the half line")
        s.sendall(b"Subject: half\r\n\r\nhalf a li")
    else:
        s.sendall(b"EHLO half.example\r\n")
        _, buf = expect(s, buf, "250", "EHLO")
        s.sendall(b"MAIL FROM:<alice@loc")
    time.sleep(0.5)
    print(len(os.listdir(spooldir)))
    s.close()
    return 0


def chat(proto, port, lines):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = b""

    def reply():
        nonlocal buf
        if proto == "smtp":
            text, buf = recv_reply(s, buf)
            return text
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                raise ConnectionError("closed by the server")
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        return line.decode(errors="replace")

    print(reply())
    try:
        for raw in lines:
            wait = not raw.startswith("~")
            line = codecs.decode(raw.lstrip("~"), "unicode_escape").encode("latin-1")
            s.sendall(line if line.endswith(b"\n") else line + b"\r\n")
            if wait:
                print(reply())
    except ConnectionError as e:
        print("(closed:", e, ")")
    s.close()
    return 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "send":
        return send(int(argv[2]), int(argv[3]), int(argv[4]), argv[5])
    if cmd == "hangup":
        return hangup(int(argv[2]))
    if cmd == "halfline":
        return halfline(int(argv[2]), argv[3], argv[4])
    if cmd == "chat":
        return chat(argv[2], int(argv[3]), argv[4:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ConnectionError, ValueError) as e:
        print("error:", e)
        sys.exit(1)
