#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares the English and the Chinese screen of one smtpsh run (show, or
a session): usage zh_compare.py EN ZH [MIN_NOTES].  The protocol lines
(S:, R:, S*) must be byte-identical and the screens the same length.
Every note that annotates what the server said ("   # LABEL: ..." where
LABEL is a reply code, an enhanced code, a POP3 status or response code,
or the keyword of an EHLO/CAPA line the server sent since the last
command) holds CJK in Chinese and none in English, and there are at
least MIN_NOTES (default 3) of them.  A keyword smtpsh does not know
(`smtpsh explain WORD` fails; $SMTPSH names the binary) has no
annotation to translate.  Prints each problem; exits 1 on any."""
import os
import re
import subprocess
import sys

NOTE = '   # '
PROTOCOL = ('S:', 'R:', 'S*')
REPLY = re.compile(r'^(\d{3})[- ]?(.*)$')
ESC = re.compile(r'^([245]\.\d{1,3}\.\d{1,3})\b')
RESP_CODE = re.compile(r'\[([^\]]+)\]')


def cjk(s):
    return any('\u4e00' <= c <= '\u9fff' for c in s)


def labels(reply):
    """What the notes of one received line may be labelled with."""
    out = set()
    m = REPLY.match(reply)
    if m:
        out.add(m.group(1))
        rest = m.group(2).strip()
        e = ESC.match(rest)
        if e:
            out.add(e.group(1))
        elif rest:
            out.add(re.split(r'[ =]', rest, maxsplit=1)[0])
        return out
    for status in ('+OK', '-ERR', '+'):
        if reply == status or reply.startswith(status + ' '):
            out.add(status)
    word = re.split(r'[ =]', reply, maxsplit=1)[0]
    if word:
        out.add(word)
    out.update('[%s]' % c for c in RESP_CODE.findall(reply))
    return out


def known(label, cache={}):
    """Whether smtpsh has something to say about a server's keyword."""
    if re.match(r'^(\d{3}|[245]\.\d+\.\d+|\+OK|-ERR|\+|\[.*\])$', label):
        return True
    if label not in cache:
        env = dict(os.environ, LANG='C')
        env.pop('LC_ALL', None)
        run = subprocess.run([os.environ['SMTPSH'], 'explain', label], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cache[label] = run.returncode == 0
    return cache[label]


def main():
    en = open(sys.argv[1], encoding='utf-8').read().split('\n')
    zh = open(sys.argv[2], encoding='utf-8').read().split('\n')
    least = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    problems = []
    if len(en) != len(zh):
        problems.append(f'{len(en)} lines in English, {len(zh)} in Chinese')
    proto_en = [line for line in en if line.startswith(PROTOCOL)]
    proto_zh = [line for line in zh if line.startswith(PROTOCOL)]
    if proto_en != proto_zh:
        problems.append('the protocol lines differ between English and Chinese')
    seen, annotated = set(), 0
    for i, line in enumerate(zh):
        if line.startswith('S:') or line.startswith('S*'):
            seen = set()
        elif line.startswith('R: '):
            seen |= labels(line[3:])
        elif line.startswith(NOTE):
            label = line[len(NOTE):].split(': ', 1)[0]
            if label not in seen or not known(label):
                continue
            annotated += 1
            if cjk(en[i] if i < len(en) else ''):
                problems.append(f'line {i + 1}: CJK in the English annotation')
            if not cjk(line):
                problems.append(f'line {i + 1}: an annotation not in Chinese: {line.strip()}')
    if annotated < least:
        problems.append(f'only {annotated} annotations found (at least {least} wanted)')
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
