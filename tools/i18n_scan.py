#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Finds words for people that bypass gettext: a string literal with
words in it given straight to printf, fprintf, fputs, puts or
putchar-like output in smtpsh/ and lib/, not inside _() or N_() and not
marked as protocol text.  Protocol text (commands, replies, headers) is
never translated: mark its line with the comment "i18n: protocol".
Prints file:line: text for each, exits 1 when there is any."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALL = re.compile(r'\b(printf|fprintf|fputs|puts|dprintf|vfprintf)\s*\(')
WORDS = re.compile(r'[A-Za-z]{2,}[ ,:;.!?-]+[A-Za-z]{2,}')
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def calls(text):
    """(line number, argument text) of each output call."""
    for m in CALL.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            c = text[i]
            if c == '"':
                i += 1
                while i < len(text) and text[i] != '"':
                    i += 2 if text[i] == '\\' else 1
            elif c == '(':
                depth += 1
            elif c == ')':
                depth -= 1
            i += 1
        yield text.count('\n', 0, m.start()) + 1, m.start(), text[m.end():i - 1]


def bare_literals(args):
    """Literals with words in args that no _( or N_( encloses."""
    out = []
    for m in LITERAL.finditer(args):
        if not WORDS.search(m.group(1)):
            continue
        before = args[:m.start()]
        opened = before.count('(') - before.count(')')
        if re.search(r'\b_\(\s*$|\bN_\(\s*$', before) or (opened > 0 and re.search(r'\b_\(', before)):
            continue
        out.append(m.group(1))
    return out


def main():
    found = 0
    files = sorted(ROOT.glob('smtpsh/*.c')) + sorted(ROOT.glob('lib/**/*.c'))
    for path in files:
        text = path.read_text(encoding='utf-8', errors='replace')
        lines = text.split('\n')
        for line_no, start, args in calls(text):
            last = line_no + args.count('\n')
            if any('i18n: protocol' in lines[k - 1] for k in range(line_no, min(last, len(lines)) + 1)):
                continue
            for lit in bare_literals(args):
                print(f'{path.relative_to(ROOT)}:{line_no}: "{lit[:70]}"')
                found += 1
    if found:
        print(f'i18n_scan: {found} user-visible string(s) outside gettext', file=sys.stderr)
        return 1
    print('i18n_scan: every output call with words goes through gettext')
    return 0


if __name__ == '__main__':
    sys.exit(main())
