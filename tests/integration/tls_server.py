#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A small SMTP/POP3 server for the TLS tests, serving one connection on
# 127.0.0.1 and misbehaving as the scenario says:
#   inject    after "220 Ready to start TLS" it sends "250 injected" in the same
#             packet, before the handshake (CVE-2011-0411 class)
#   strip     EHLO does not offer STARTTLS (a downgrade by a man in the middle)
#   refuse    STARTTLS is offered but answered 454
#   cert      an honest STARTTLS server with the certificate given (expired,
#             wrong host, self-signed: the test decides)
#   implicit  TLS from the first byte (smtps) with the certificate given
#   implicit538  the same, but AUTH is answered "538 5.7.11 Encryption
#             required" although TLS is up (a server behind a TLS proxy)
#   hangup    answers 220 to STARTTLS, then closes during the handshake
#   pop3inject  POP3: "+OK Begin TLS" then "+OK injected" before the handshake
# Usage: tls_server.py SCENARIO CERT KEY  -> prints the port, then serves.
# TLS_SERVER_PROBES=N: first accept and close N connections (a client
# such as `smtpsh doctor` probes the port before it speaks).
import os, socket, ssl, sys

scenario, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print(ls.getsockname()[1], flush=True)
ls.settimeout(20)
for _ in range(int(os.environ.get("TLS_SERVER_PROBES", "0"))):
    ls.accept()[0].close()
conn, _ = ls.accept()
conn.settimeout(10)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)

class Lines:
    def __init__(self, s):
        self.s, self.buf = s, b""
    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(4096)
            if not d:
                return None
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return l.rstrip(b"\r").decode("latin-1")

def smtp(sock, tls):
    io = Lines(sock)
    sock.sendall(b"220 hostile.test ESMTP\r\n")
    while True:
        l = io.line()
        if l is None:
            return
        verb = l.split(" ")[0].upper()
        if verb == "EHLO":
            caps = ["hostile.test", "PIPELINING"]
            if not tls and scenario != "strip":
                caps.append("STARTTLS")
            if tls:
                caps.append("AUTH PLAIN LOGIN")
            out = "".join("250-%s\r\n" % c for c in caps[:-1]) + "250 %s\r\n" % caps[-1]
            sock.sendall(out.encode())
        elif verb == "STARTTLS" and not tls:
            if scenario == "refuse":
                sock.sendall(b"454 4.7.0 TLS not available due to local problem\r\n")
                continue
            if scenario == "inject":
                sock.sendall(b"220 2.0.0 Ready to start TLS\r\n250 injected before TLS\r\n")
            else:
                sock.sendall(b"220 2.0.0 Ready to start TLS\r\n")
            if scenario == "hangup":
                sock.close()
                return
            try:
                sock = ctx.wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client refused our certificate: fine
            return smtp_after_tls(sock)
        elif verb == "QUIT":
            sock.sendall(b"221 2.0.0 Bye\r\n")
            return
        else:
            sock.sendall(b"250 2.0.0 Ok\r\n")

def smtp_after_tls(sock):
    io = Lines(sock)
    while True:
        l = io.line()
        if l is None:
            return
        verb = l.split(" ")[0].upper()
        if verb == "EHLO":
            sock.sendall(b"250-hostile.test\r\n250 AUTH PLAIN LOGIN\r\n")
        elif verb == "AUTH" and scenario == "implicit538":
            sock.sendall(b"538 5.7.11 Encryption required for requested authentication mechanism\r\n")
        elif verb == "QUIT":
            sock.sendall(b"221 2.0.0 Bye\r\n")
            return
        else:
            sock.sendall(b"250 2.0.0 Ok\r\n")

def pop3(sock):
    io = Lines(sock)
    sock.sendall(b"+OK hostile POP3\r\n")
    while True:
        l = io.line()
        if l is None:
            return
        verb = l.split(" ")[0].upper()
        if verb == "STLS":
            sock.sendall(b"+OK Begin TLS negotiation\r\n+OK injected before TLS\r\n")
            try:
                sock = ctx.wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError):
                return
            io = Lines(sock)
        elif verb == "QUIT":
            sock.sendall(b"+OK bye\r\n")
            return
        else:
            sock.sendall(b"+OK\r\n")

try:
    if scenario in ("implicit", "implicit538"):
        try:
            s = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            sys.exit(0)
        s.sendall(b"220 hostile.test ESMTP\r\n")
        smtp_after_tls(s)
    elif scenario == "pop3inject":
        pop3(conn)
    else:
        smtp(conn, False)
except (OSError, ssl.SSLError):
    pass
