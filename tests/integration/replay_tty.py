# SPDX-License-Identifier: GPL-3.0-or-later
"""`smtpsh replay FILE` on a pseudo-terminal: at each pause, the next of
KEYS is typed ('n': Enter, 'b', 'q'), then q.  Prints what the terminal
showed.  usage: replay_tty.py SMTPSH FILE KEYS"""
import os
import pty
import select
import sys
import time

binary, path, keys = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, 'replay', '--color=never', path])
shown = b''


def until_pause(limit=10.0):
    """Reads until the next pause prompt; False at the end."""
    global shown
    start, end = len(shown), time.time() + limit
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        shown += chunk
        if b'q: ' in shown[start:].split(b'\n')[-1]:
            return True
    return False


until_pause()
for key in keys + 'q':
    os.write(fd, (b'' if key == 'n' else key.encode()) + b'\n')
    if not until_pause(2.0 if key == 'q' else 10.0):
        break
os.waitpid(pid, 0)
sys.stdout.write(shown.decode('utf-8', 'replace').replace('\r', ''))
