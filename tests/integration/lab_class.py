#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Clients for tests/integration/t_lab_class.sh: a class of students on a
lab listening on another loopback address (127.0.0.2).

  lab_class.py free HOST BASE         exit 0 when the lab's five ports of BASE are free on HOST
  lab_class.py wait HOST PORT...      waits (20 s at most) until every port accepts
  lab_class.py class HOST SMTP POP3 FILE
      every student of FILE (name:password:...) at once: logs in over SMTP
      (AUTH PLAIN), waits until all are logged in, sends one message with a unique token to the next
      student, then (once every student has sent) reads its own mailbox
      over POP3 (USER/PASS, RETR each).  Exit 0 when each token arrived
      exactly once, in the mailbox it was sent to; prints the counts.
  lab_class.py chat HOST PORT LINE...
      one line at a time, one reply each; prints the replies' first lines.
"""
import poplib
import smtplib
import socket
import sys
import threading
import time

TIMEOUT = 30


def free(host, base):
    for off in (0, 62, -60, -415, 470):
        s = socket.socket()
        try:
            s.bind((host, base + off))
        except OSError:
            return 1
        finally:
            s.close()
    return 0


def wait(host, ports):
    deadline = time.time() + 20
    for p in ports:
        while True:
            try:
                socket.create_connection((host, p), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    return 1
                time.sleep(0.1)
    return 0


def read_class(path):
    students = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, password = line.rstrip("\n").split(":")[:2]
            students.append((name, password))
    return students


def run_class(host, smtp_port, pop3_port, path):
    students = read_class(path)
    n = len(students)
    logged_in = threading.Barrier(n, timeout=TIMEOUT * 2)  # all n sessions open at once
    sent_barrier = threading.Barrier(n, timeout=TIMEOUT * 2)
    errors = []
    received = {}  # mailbox -> list of tokens found there
    lock = threading.Lock()

    def student(i):
        name, password = students[i]
        to = students[(i + 1) % n][0]
        token = f"token-{i:03d}-to-{(i + 1) % n:03d}"
        try:
            c = smtplib.SMTP(host, smtp_port, timeout=TIMEOUT)
            c.ehlo("student.example")
            c.login(name, password)
            logged_in.wait()
            msg = f"From: <{name}>\r\nTo: <{to}>\r\nSubject: {token}\r\n\r\n{token}\r\n"
            refused = c.sendmail(name, [to], msg.encode())
            c.quit()
            if refused:
                raise ValueError(f"refused {refused}")
        except Exception as e:  # every failure is counted, the rest go on
            with lock:
                errors.append(f"{name} send: {e!r}")
            logged_in.abort()
        try:
            sent_barrier.wait()
        except threading.BrokenBarrierError:
            pass
        try:
            p = poplib.POP3(host, pop3_port, timeout=TIMEOUT)
            p.user(name)
            p.pass_(password)
            count, _ = p.stat()
            tokens = []
            for k in range(1, count + 1):
                _, lines, _ = p.retr(k)
                tokens += [ln.decode() for ln in lines if ln.startswith(b"token-")]
            p.quit()
            with lock:
                received[name] = tokens
        except Exception as e:
            with lock:
                errors.append(f"{name} read: {e!r}")

    t0 = time.time()
    threads = [threading.Thread(target=student, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - t0
    wrong = []
    for i in range(n):
        to = students[(i + 1) % n][0]
        token = f"token-{i:03d}-to-{(i + 1) % n:03d}"
        copies = sum(toks.count(token) for toks in received.values())
        if copies != 1 or token not in received.get(to, []):
            wrong.append(f"{token}: {copies} copies, in {to}: {token in received.get(to, [])}")
    delivered = sum(len(t) for t in received.values())
    print(f"{n} students at once: {delivered} messages read back, {len(errors)} errors, "
          f"{len(wrong)} wrong, {took:.1f} s")
    for line in (errors + wrong)[:10]:
        print("  " + line)
    return 0 if not errors and not wrong and delivered == n else 1


def chat(host, port, lines):
    s = socket.create_connection((host, port), timeout=10)
    f = s.makefile("rb")

    def reply():
        first = f.readline()
        line = first
        while len(line) >= 4 and line[3:4] == b"-":
            line = f.readline()
        return first.decode(errors="replace").rstrip("\r\n")

    print(reply())
    for line in lines:
        s.sendall(line.encode() + b"\r\n")
        print(reply())
    s.close()
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "free":
        return free(argv[2], int(argv[3]))
    if cmd == "wait":
        return wait(argv[2], [int(p) for p in argv[3:]])
    if cmd == "class":
        return run_class(argv[2], int(argv[3]), int(argv[4]), argv[5])
    if cmd == "chat":
        return chat(argv[2], int(argv[3]), argv[4:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
