#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Raw-socket clients for tests/integration/t_lab.sh.

  lab_clients.py wait PORT...            until every port accepts (10 s)
  lab_clients.py free BASE               exit 0 when the lab's five ports are free
  lab_clients.py concurrent PORT N       N sessions open at once, each sends a message
  lab_clients.py slowloris PORT          one byte a second, never a whole line
  lab_clients.py barelf PORT             "NOOP\\n" must get 521 and a close
  lab_clients.py pipeline PORT           a whole transaction in one write
  lab_clients.py injection PORT CAFILE   "STARTTLS\\r\\nRSET" in one write: RSET must vanish
  lab_clients.py inuse PORT              a second POP3 login to a locked mailbox: [IN-USE]
  lab_clients.py tls PORT N CAFILE       N implicit-TLS sessions at once, verified, AUTH each
Prints one line of figures; exit status 0 on success.
"""
import resource
import socket
import ssl
import sys
import time


def recv_reply(s, buf=b""):
    """One SMTP reply (all its lines); returns (text, rest of buffer)."""
    lines = []
    while True:
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            lines.append(line.decode(errors="replace"))
            if len(line) < 4 or line[3:4] != b"-":
                return "\n".join(lines), buf
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        buf += chunk


def wait(ports):
    deadline = time.time() + 10
    for p in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", p), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    print(f"port {p} never accepted")
                    return 1
                time.sleep(0.05)
    return 0


def free(base):
    for off in (0, 62, -60, -415, 470):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", base + off))
        except OSError:
            return 1
        finally:
            s.close()
    return 0


def concurrent(port, n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))
    t0 = time.time()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        socks.append([s, b""])
    for entry in socks:  # every greeting, all sessions open
        text, entry[1] = recv_reply(entry[0], entry[1])
        if not text.startswith("220"):
            print("bad greeting:", text)
            return 1
    t_open = time.time() - t0
    for i, entry in enumerate(socks):
        entry[0].sendall(b"EHLO load\r\nMAIL FROM:<load@example.org>\r\n"
                         b"RCPT TO:<bob@localhost>\r\nDATA\r\n")
    for entry in socks:
        for want in ("250", "250", "250", "354"):
            text, entry[1] = recv_reply(entry[0], entry[1])
            if not text.startswith(want):
                print("unexpected reply:", text)
                return 1
    for i, entry in enumerate(socks):
        entry[0].sendall(b"Subject: load %d\r\n\r\nmessage %d of %d\r\n..dot\r\n.\r\nQUIT\r\n"
                         % (i, i, n))
    ok = 0
    for entry in socks:
        text, entry[1] = recv_reply(entry[0], entry[1])
        if text.startswith("250 2.0.0 Ok: queued as"):
            ok += 1
        text, entry[1] = recv_reply(entry[0], entry[1])
        entry[0].close()
    total = time.time() - t0
    print(f"{n} sessions open at once (all greeted in {t_open:.2f} s); {ok} messages "
          f"stored in {total:.2f} s ({ok / total:.0f} messages/s)")
    return 0 if ok == n else 1


def slowloris(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    buf = b""
    greeting, buf = recv_reply(s, buf)
    t0 = time.time()
    got = b""
    try:
        for ch in b"EHLO slowly-but-never-finishing":
            s.sendall(bytes([ch]))
            s.settimeout(1.0)
            try:
                data = s.recv(4096)
                if not data:
                    break
                got += data
                if b"421" in got:
                    # the connection closes right after the 421
                    s.settimeout(5)
                    while s.recv(4096):
                        pass
                    break
            except socket.timeout:
                pass
    except (BrokenPipeError, ConnectionResetError):
        pass
    took = time.time() - t0
    text = got.decode(errors="replace").strip()
    print(f"timed out after {took:.1f} s: {text}")
    return 0 if text.startswith("421 4.4.2") else 1


def barelf(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    recv_reply(s)
    s.sendall(b"NOOP\n")
    text, _ = recv_reply(s)
    closed = s.recv(10) == b""
    print(text, "(closed)" if closed else "(still open)")
    return 0 if text.startswith("521 5.5.2") and closed else 1


def pipeline(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = b""
    _, buf = recv_reply(s, buf)
    s.sendall(b"EHLO p\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<alice@localhost>\r\n"
              b"RCPT TO:<nobody@localhost>\r\nDATA\r\n")
    replies = []
    for _ in range(5):
        text, buf = recv_reply(s, buf)
        replies.append(text.splitlines()[-1][:3])
    s.sendall(b"Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    text, buf = recv_reply(s, buf)
    replies.append(text[:3])
    print(" ".join(replies))
    return 0 if replies == ["250", "250", "250", "550", "354", "250"] else 1


def tls_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


def injection(port, cafile):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = b""
    _, buf = recv_reply(s, buf)
    s.sendall(b"EHLO i\r\n")
    _, buf = recv_reply(s, buf)
    s.sendall(b"STARTTLS\r\nRSET\r\n")  # RSET rides in clear, before the handshake
    text, buf = recv_reply(s, buf)
    if not text.startswith("220"):
        print("STARTTLS refused:", text)
        return 1
    t = tls_context(cafile).wrap_socket(s, server_hostname="127.0.0.1")
    t.sendall(b"NOOP\r\n")
    text, _ = recv_reply(t, b"")
    print("first reply inside TLS:", text)
    return 0 if text.startswith("250 2.0.0 Ok") and not buf else 1


def tls_sessions(port, n, cafile):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))
    ctx = tls_context(cafile)
    t0 = time.time()
    socks = []
    for _ in range(n):
        raw = socket.create_connection(("127.0.0.1", port), timeout=60)
        socks.append([ctx.wrap_socket(raw, server_hostname="127.0.0.1"), b""])
    for e in socks:
        text, e[1] = recv_reply(e[0], e[1])
        if not text.startswith("220"):
            print("bad greeting:", text)
            return 1
    t_open = time.time() - t0
    for e in socks:  # AUTH PLAIN alice alice-pw
        e[0].sendall(b"EHLO t\r\nAUTH PLAIN AGFsaWNlAGFsaWNlLXB3\r\nQUIT\r\n")
    ok = 0
    for e in socks:
        _, e[1] = recv_reply(e[0], e[1])
        text, e[1] = recv_reply(e[0], e[1])
        ok += text.startswith("235")
        recv_reply(e[0], e[1])
        e[0].close()
    print(f"{n} TLS sessions open at once (handshakes done in {t_open:.2f} s), {ok} logged in, "
          f"{time.time() - t0:.2f} s in all")
    return 0 if ok == n else 1


def pop3_line(s, buf):
    while b"\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed by the server")
        buf += chunk
    line, buf = buf.split(b"\r\n", 1)
    return line.decode(errors="replace"), buf


def pop3_login(port, user, password):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    _, buf = pop3_line(s, b"")
    s.sendall(f"USER {user}\r\nPASS {password}\r\n".encode())
    _, buf = pop3_line(s, buf)
    reply, buf = pop3_line(s, buf)
    return s, reply


def inuse(port):
    first, r1 = pop3_login(port, "bob", "bob-pw")
    second, r2 = pop3_login(port, "bob", "bob-pw")
    first.sendall(b"QUIT\r\n")
    first.recv(100)
    first.close()
    third, r3 = pop3_login(port, "bob", "bob-pw")
    print(f"{r1} / {r2} / after the first QUIT: {r3}")
    return 0 if (r1, r3) == ("+OK Logged in.", "+OK Logged in.") and r2.startswith("-ERR [IN-USE]") else 1


def main(argv):
    cmd = argv[1]
    if cmd == "wait":
        return wait([int(p) for p in argv[2:]])
    if cmd == "free":
        return free(int(argv[2]))
    if cmd == "concurrent":
        return concurrent(int(argv[2]), int(argv[3]))
    if cmd == "slowloris":
        return slowloris(int(argv[2]))
    if cmd == "barelf":
        return barelf(int(argv[2]))
    if cmd == "pipeline":
        return pipeline(int(argv[2]))
    if cmd == "inuse":
        return inuse(int(argv[2]))
    if cmd == "injection":
        return injection(int(argv[2]), argv[3])
    if cmd == "tls":
        return tls_sessions(int(argv[2]), int(argv[3]), argv[4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ConnectionError) as e:
        print("error:", e)
        sys.exit(1)
