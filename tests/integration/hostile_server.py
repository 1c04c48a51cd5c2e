#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A broken or malicious SMTP/POP3 server for the integration tests.

usage: hostile_server.py SCENARIO [PORT] [--log FILE] [--idle SECS]

Listens on 127.0.0.1 only, prints the port on the first line of stdout
(useful with PORT 0, the default, so parallel tests never collide), serves
ONE connection the way SCENARIO says, and exits.  Every scenario ends by
itself: the accept and every read give up after --idle seconds (default 20),
so a test that dies never leaves a server behind for long.  --log FILE
records each line the client sent (for tests that check what really went
over the wire, e.g. that a password was sent though never shown).

Python 3 standard library only.
"""
import socket
import sys
import time

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


class Peer:
    """One accepted connection: line reads with a bounded buffer, sends that
    never raise (a client that left is a normal end for a hostile server)."""

    def __init__(self, sock, log):
        self.sock = sock
        self.buf = b""
        self.log = log
        self.gone = False
        self.bare_lf = False  # end every line sent with LF alone

    def line(self):
        """The next line without its terminator, or None at EOF."""
        while b"\n" not in self.buf:
            try:
                d = self.sock.recv(65536)
            except OSError:
                d = b""
            if not d:
                self.gone = True
                return None
            self.buf += d
            if len(self.buf) > 1 << 20:  # a client flooding us: stop
                self.gone = True
                return None
        l, self.buf = self.buf.split(b"\n", 1)
        l = l.rstrip(b"\r")
        if self.log:
            self.log.write(repr(l)[2:-1] + "\n")
            self.log.flush()
        return l

    def send(self, data):
        if self.gone:
            return False
        if self.bare_lf:
            data = data.replace(b"\r\n", b"\n")
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.gone = True
            return False

    def wait_eof(self):
        """Read (and drop) until the client closes or the idle timeout."""
        while self.line() is not None:
            pass


def verb(l):
    return l.split(b" ", 1)[0].upper()


EHLO_NORMAL = (b"250-hostile.test Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
               b"250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n")
EHLO_AUTH = (b"250-hostile.test Hello\r\n250-PIPELINING\r\n250-AUTH LOGIN PLAIN\r\n"
             b"250 ENHANCEDSTATUSCODES\r\n")


def smtp_session(p, greeting=b"220 hostile.test ESMTP ready\r\n", ehlo=EHLO_NORMAL,
                 auth=None):
    """A well-behaved SMTP server: the control, and what the broken
    scenarios fall back to once their damage is done (so the tests can check
    that the shell still reads the next reply correctly)."""
    if greeting:
        p.send(greeting)
    while True:
        l = p.line()
        if l is None:
            return
        v = verb(l)
        if v == b"EHLO":
            p.send(ehlo)
        elif v == b"HELO":
            p.send(b"250 hostile.test\r\n")
        elif v == b"MAIL":
            p.send(b"250 2.1.0 Ok\r\n")
        elif v == b"RCPT":
            p.send(b"250 2.1.5 Ok\r\n")
        elif v == b"DATA":
            p.send(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            while True:
                d = p.line()
                if d is None:
                    return
                if d == b".":
                    break
            p.send(b"250 2.0.0 Ok: queued as 4HOSTILE\r\n")
        elif v in (b"RSET", b"NOOP"):
            p.send(b"250 2.0.0 Ok\r\n")
        elif v == b"AUTH" and auth:
            if not auth(p, l):
                return
        elif v == b"QUIT":
            p.send(b"221 2.0.0 Bye\r\n")
            return
        else:
            p.send(b"502 5.5.2 Error: command not recognized\r\n")


def auth_login(final):
    """AUTH LOGIN: ask for user and password (base64 prompts), then FINAL."""
    def run(p, l):
        p.send(b"334 VXNlcm5hbWU6\r\n")
        if p.line() is None:
            return False
        p.send(b"334 UGFzc3dvcmQ6\r\n")
        if p.line() is None:
            return False
        p.send(final)
        return True
    return run


@scenario
def normal(p):
    smtp_session(p)


@scenario
def auth(p):
    smtp_session(p, ehlo=EHLO_AUTH,
                 auth=auth_login(b"235 2.7.0 Authentication successful\r\n"))


@scenario
def slow_auth(p):
    # AUTH LOGIN whose first challenge comes 1.5 s late: time for a user to
    # type ahead (a terminal test checks nothing typed ahead is echoed)
    login = auth_login(b"235 2.7.0 Authentication successful\r\n")

    def run(p, l):
        time.sleep(1.5)
        return login(p, l)
    smtp_session(p, ehlo=EHLO_AUTH, auth=run)


@scenario
def bare_lf(p):
    p.bare_lf = True
    smtp_session(p, ehlo=b"250-hostile.test\r\n250 PIPELINING\r\n")


@scenario
def no_final_crlf(p):
    p.send(b"220 hi")


def long_greeting(p, size):
    # one SIZE-byte continuation line, then the greeting's normal final line
    p.send(b"220-" + b"A" * size + b"\r\n220 ok after the long line\r\n")
    smtp_session(p, greeting=None)


@scenario
def huge_line(p):
    long_greeting(p, 1 << 20)


@scenario
def giant_line(p):
    # 64 MiB: a shell that kept the whole line would blow any small RSS limit
    long_greeting(p, 64 << 20)


@scenario
def nul(p):
    smtp_session(p, greeting=b"220 hostile\x00with\x00nuls\r\n")


@scenario
def non_numeric(p):
    p.send(b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n"
           b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    time.sleep(0.3)


@scenario
def bad_code(p):
    # a first digit out of range, a 4-digit code, then a proper greeting
    p.send(b"600 x\r\n2500 y\r\n220 but this one is fine\r\n")
    smtp_session(p, greeting=None)


@scenario
def endless_continuation(p):
    p.send(b"220 hostile.test\r\n")
    if p.line() is None:
        return
    # ~200 bytes a line, 40 MB in all: keeping them would show in the RSS
    pad = b" and more" * 20
    for i in range(200000):
        if not p.send(b"250-x %d%s\r\n" % (i, pad)):
            return


@scenario
def ten_thousand(p):
    p.send(b"220 hostile.test\r\n")
    if p.line() is None:
        return
    p.send(b"".join(b"250-line %d\r\n" % i for i in range(10000)) + b"250 ok\r\n")
    smtp_session(p, greeting=None)


@scenario
def silence(p):
    p.wait_eof()


@scenario
def close_mid_reply(p):
    p.send(b"220 hostile.test\r\n")
    if p.line() is None:
        return
    p.send(b"250-first\r\n")


@scenario
def hangup(p):
    p.send(b"220 hostile.test\r\n")
    p.line()


ESC_GREETING = (b"220 \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b[2J\x1b[H"
                b" \xc2\x9b6n \x9b31m raw-C1\r\n")
ESC_EHLO = (b"250-hostile.test \x1b[1;5;32mblink\x1b[0m\r\n"
            b"250-\x1b[3A\x1b[2Kcursor up and line erased\r\n"
            b"250-\x1b]8;;http://evil.test/\x1b\\link\x1b]8;;\x1b\\\r\n"
            b"250 \xc2\x9b1;1H C1 CSI \x07bell\r\n")


@scenario
def ansi(p):
    smtp_session(p, greeting=ESC_GREETING, ehlo=ESC_EHLO)


@scenario
def gbk(p):
    smtp_session(p, ehlo=EHLO_AUTH, auth=auth_login(
        "535 登录失败，请使用授权码登录".encode("gbk") + b"\r\n"))


@scenario
def split(p):
    # a normal session, but the EHLO reply trickles in one byte per segment
    p.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    p.send(b"220 hostile.test ESMTP\r\n")
    l = p.line()
    if l is None:
        return
    for b in EHLO_NORMAL:
        if not p.send(bytes([b])):
            return
        time.sleep(0.001)
    smtp_session(p, greeting=None)


@scenario
def pop3_bad(p):
    p.send(b"+OK hostile POP3 ready\r\n")
    while True:
        l = p.line()
        if l is None:
            return
        v = verb(l)
        if v == b"RETR":
            # a body with no terminating "." line, then the server closes
            p.send(b"+OK 120 octets\r\nSubject: x\r\n\r\nthe body never ends\r\n")
            return
        if v == b"QUIT":
            p.send(b"+OK bye\r\n")
            return
        p.send(b"+OK\r\n")


@scenario
def pop3_ansi(p):
    # escapes where a POP3 client copies server text into its own notes:
    # the APOP timestamp, CAPA keywords, a [RESP-CODE]
    p.send(b"+OK POP3 ready <1896.697170952@\x1b[31mdbc.test\x1b]0;pwned\x07>\r\n")
    while True:
        l = p.line()
        if l is None:
            return
        v = verb(l)
        if v == b"CAPA":
            p.send(b"+OK\r\nUSER\r\nSASL PLAIN \x1b[5mX\r\nX-\x1b[2JWIPE\r\n.\r\n")
        elif v == b"USER":
            p.send(b"-ERR [AUTH\x1b[31m\xc2\x9b2J] no \x1b]0;pwned\x07such user\r\n")
        elif v == b"QUIT":
            p.send(b"+OK \x1b[0mbye\r\n")
            return
        else:
            p.send(b"-ERR \x1b[31mno\r\n")


@scenario
def pop3_uidl(p):
    # "UIDL 1" and "LIST 1" answered without the message number (RFC 1939
    # wants "+OK 1 <id>", "+OK 1 <size>")
    p.send(b"+OK POP3 ready\r\n")
    while True:
        l = p.line()
        if l is None:
            return
        v = verb(l)
        if v == b"UIDL":
            p.send(b"+OK whqtswO00WBw418f9t5JxYwZ\r\n")
        elif v == b"LIST":
            p.send(b"+OK 120\r\n")
        elif v == b"QUIT":
            p.send(b"+OK bye\r\n")
            return
        else:
            p.send(b"+OK\r\n")



# ---- timing: replies that never complete, writes that never drain ---------


def until_gone(p, step, limit=30.0):
    """Calls step() until the client is gone, step() says stop, or LIMIT s."""
    end = time.monotonic() + limit
    while time.monotonic() < end and not p.gone:
        if step() is False:
            return


@scenario
def trickle_greeting(p):
    # a byte every 0.4 s: a greeting that keeps arriving but never completes
    # (the whole 60-byte line would take 24 s)
    p.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    data = iter(b"220 hostile.test a greeting trickled one byte at a time...\r\n")

    def step():
        b = next(data, None)
        if b is None:
            return False
        p.send(bytes([b]))
        time.sleep(0.4)
    until_gone(p, step)
    p.wait_eof()


@scenario
def endless_ehlo(p):
    # after EHLO, "250-" lines forever (one a millisecond): past the
    # 1000-line cap, and on through whatever the client sends next
    p.send(b"220 hostile.test\r\n")
    if p.line() is None:
        return
    n = iter(range(10 ** 9))

    def step():
        p.send(b"250-still talking %d\r\n" % next(n))
        time.sleep(0.001)
    until_gone(p, step)


@scenario
def quit_chatter(p):
    # answers QUIT, then keeps talking instead of closing
    smtp_session(p)
    if p.gone:
        return

    def step():
        p.send(b"250-chatter after QUIT\r\n")
        time.sleep(0.2)
    until_gone(p, step)


@scenario
def stall_data(p):
    # reads the first 100 lines of a message, stops reading for 5 s (the
    # client's writes back up: the listening socket's small SO_RCVBUF), then
    # reads on.  Every line it gets is in the log: a spliced or cut line shows
    # there, and so does the "." that would make it accept the message.
    p.send(b"220 hostile.test ESMTP\r\n")
    while True:
        l = p.line()
        if l is None:
            return
        v = verb(l)
        if v == b"DATA":
            p.send(b"354 go ahead\r\n")
            break
        p.send(b"250 2.0.0 Ok\r\n" if v != b"EHLO" else EHLO_NORMAL)
    for _ in range(100):
        if p.line() is None:
            return
    time.sleep(5)
    while True:
        l = p.line()
        if l is None:
            return
        if l == b".":
            p.send(b"250 2.0.0 Ok: queued as SPLICED\r\n")
            smtp_session(p, greeting=None)
            return


def main(argv):
    args = argv[1:]
    log_path, idle = None, 20.0
    pos = []
    while args:
        a = args.pop(0)
        if a == "--log":
            log_path = args.pop(0)
        elif a == "--idle":
            idle = float(args.pop(0))
        else:
            pos.append(a)
    if not pos or pos[0] not in SCENARIOS:
        sys.stderr.write("usage: hostile_server.py SCENARIO [PORT] [--log FILE] [--idle SECS]\n"
                         "scenarios: %s\n" % " ".join(sorted(SCENARIOS)))
        return 2
    port = int(pos[1]) if len(pos) > 1 else 0
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if pos[0] == "stall_data":
        # a small window (inherited by the accepted socket): a stall backs
        # the client's writes up at once
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    print(ls.getsockname()[1], flush=True)
    ls.settimeout(idle)
    try:
        c, _ = ls.accept()
    except socket.timeout:
        sys.stderr.write("hostile_server: nobody connected within %g s\n" % idle)
        return 1
    ls.close()
    c.settimeout(idle)
    log = open(log_path, "w") if log_path else None
    try:
        SCENARIOS[pos[0]](Peer(c, log))
    finally:
        try:
            c.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        c.close()
        if log:
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
