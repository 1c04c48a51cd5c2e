#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A broken or malicious SMTP/POP3 server for the hostile-server tests:
# serves one connection on 127.0.0.1 (port printed first) and misbehaves
# as the scenario says.  Every scenario stops by itself.
import socket, sys, time

scenario = sys.argv[1]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
ls.settimeout(20)
c, _ = ls.accept()
c.settimeout(10)
buf = b""

def line():
    global buf
    while b"\n" not in buf:
        d = c.recv(4096)
        if not d:
            return None
        buf += d
    l, buf = buf.split(b"\n", 1)
    return l.rstrip(b"\r")

def send(b):
    try:
        c.sendall(b)
    except OSError:
        pass

def serve_normally(greeting=b"220 hostile.test ESMTP\r\n"):
    send(greeting)
    while True:
        l = line()
        if l is None:
            return
        v = l.split(b" ")[0].upper()
        if v == b"QUIT":
            send(b"221 2.0.0 Bye\r\n")
            return
        send(b"250-hostile.test\r\n250 PIPELINING\r\n" if v == b"EHLO" else b"250 2.0.0 Ok\r\n")

try:
    if scenario == "bare_lf":
        send(b"220 hostile.test ESMTP\n")
        line(); send(b"250-hostile.test\n250 PIPELINING\n")
        line(); send(b"221 Bye\n")
    elif scenario == "no_final_crlf":
        send(b"220 hi")
    elif scenario == "huge_line":
        send(b"220-" + b"A" * (1 << 20) + b"\r\n220 ok after the long line\r\n")
        serve_normally(b"")
    elif scenario == "nul":
        serve_normally(b"220 hostile\x00with\x00nuls\r\n")
    elif scenario == "non_numeric":
        send(b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n")
        time.sleep(0.5)
    elif scenario == "bad_code":
        send(b"600 not a reply\r\n2500 nor this\r\n220 but this is\r\n")
        serve_normally(b"")
    elif scenario == "endless":
        send(b"220 hostile.test\r\n")
        line()
        for i in range(200000):
            send(b"250-more and more and more %d\r\n" % i)
    elif scenario == "ten_thousand":
        send(b"220 hostile.test\r\n")
        line()
        send(b"".join(b"250-line %d\r\n" % i for i in range(10000)) + b"250 ok\r\n")
        serve_normally(b"")
    elif scenario == "silence":
        time.sleep(6)
    elif scenario == "close_mid_reply":
        send(b"220 hostile.test\r\n")
        line()
        send(b"250-first\r\n")
    elif scenario == "hangup":
        send(b"220 hostile.test\r\n")
        line()
    elif scenario == "ansi":
        serve_normally(b"220 \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b[2J\x1b[H \xc2\x9b6n\r\n")
    elif scenario == "gbk":
        send(b"220 hostile.test\r\n")
        line(); send(b"250-hostile.test\r\n250 AUTH LOGIN\r\n")
        line(); send(b"334 VXNlcm5hbWU6\r\n")
        line(); send(b"334 UGFzc3dvcmQ6\r\n")
        line(); send("535 登录失败，请使用授权码登录".encode("gbk") + b"\r\n")
        serve_normally(b"")
    elif scenario == "split":
        for b in b"220-hostile.test\r\n220 split into single bytes\r\n":
            send(bytes([b]))
            time.sleep(0.002)
        serve_normally(b"")
    elif scenario == "pop3_unterminated":
        send(b"+OK pop3\r\n")
        line(); send(b"+OK\r\n")
        line(); send(b"+OK logged in\r\n")
        line(); send(b"+OK 100 octets\r\nSubject: x\r\n\r\nthe body never ends\r\n")
    elif scenario == "normal":
        serve_normally()
except OSError:
    pass
c.close()
