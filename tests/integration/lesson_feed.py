# SPDX-License-Identifier: GPL-3.0-or-later
"""A student's input for `smtpsh lesson N --script`: the lesson's own S:
lines as typed (message lines unstuffed), each redacted line replaced by
the next SECRET.  --quiz ANSWER: before each command (not message text) a
line answering "which reply code do you expect?": ANSWER, or for the
k-th command the k-th of a comma-separated list.

usage: lesson_feed.py TRANSCRIPT [--quiz ANSWERS] [SECRET...]"""
import sys

args = sys.argv[1:]
path = args.pop(0)
answers = None
if args and args[0] == '--quiz':
    answers = args[1].split(',')
    args = args[2:]
secrets = args
data = False
command = 0
out = []
for line in open(path, encoding='utf-8'):
    line = line.rstrip('\n')
    if line.startswith('R:'):
        data = line[2:].lstrip().startswith('354')
        continue
    if line.startswith('S* '):
        text = secrets.pop(0)
    elif line.startswith('S:'):
        text = line[3:] if line.startswith('S: ') else line[2:]
    else:
        continue
    if data and text == '.':
        data = False
        out.append(text)
        continue
    if data:
        out.append(text[1:] if text.startswith('..') else text)
        continue
    if answers is not None:
        out.append(answers[min(command, len(answers) - 1)])
    command += 1
    out.append(text)
sys.stdout.write('\n'.join(out) + '\n')
