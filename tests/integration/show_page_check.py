#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks for t_show_html.sh, reading what Chromium and smtpsh wrote.

  lines TRANSCRIPT                 the S:/R: lines of a transcript, one per line
  dom TRANSCRIPT DOM [SECRET...]   the DOM holds those lines in order, as arrows of the
                                   right direction, no secret, no element that fetches
  markdown TRANSCRIPT MD           the Markdown table parses back to the same lines
  netlog NETLOG                    the page's own requests in a Chromium NetLog (a count)
  png FILE W H                     FILE is a PNG of W x H
  lang PAGE TAG                    <html lang="TAG">, and with zh-CN a CJK heading
"""
import html.parser
import json
import re
import struct
import sys


def transcript_items(path):
    """(direction, text) of each S:/R: line as show shows it (a redacted
    S* line by its placeholder), and ("event", text) of each -- line."""
    out = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line[:2] in ("S:", "R:", "S*"):
                text = line[2:]
                if text.startswith(" "):
                    text = text[1:]
                out.append(("S" if line[0] == "S" else "R", text))
            elif line.startswith("-- "):
                out.append(("event", line[3:]))
    return out


def transcript_lines(path):
    return [i for i in transcript_items(path) if i[0] != "event"]


class Dom(html.parser.HTMLParser):
    FETCHING = {"script", "img", "link", "iframe", "object", "embed", "video", "audio",
                "source", "base", "frame", "image", "use"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []  # (dir, text)
        self.between = [""]  # the text between lines: between[i] before lines[i]
        self.current = None
        self.fetchers = []
        self.styles = []
        self.in_style = False
        self.lang = None
        self.headings = []
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in self.FETCHING or any(k in ("src", "href", "srcset", "action", "style")
                                       for k in a) or any(k.startswith("on") for k in a):
            self.fetchers.append((tag, attrs))
        if tag == "code" and "line" in (a.get("class") or "").split():
            self.current = [a.get("data-dir"), ""]
        if tag == "style":
            self.in_style = True
        if tag in ("h1", "h2"):
            self.in_heading = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == "code" and self.current is not None:
            self.lines.append(tuple(self.current))
            self.between.append("")
            self.current = None
        if tag == "style":
            self.in_style = False
        if tag in ("h1", "h2"):
            self.in_heading = False

    def handle_data(self, data):
        if self.current is not None:
            self.current[1] += data
        elif not self.in_style:
            self.between[-1] += data
        if self.in_style:
            self.styles.append(data)
        if self.in_heading:
            self.headings[-1] += data


def check_dom(transcript, dom_path, secrets):
    want = transcript_lines(transcript)
    text = open(dom_path, encoding="utf-8").read()
    d = Dom()
    d.feed(text)
    problems = []
    if d.lines != want:
        for i, (w, g) in enumerate(zip(want, d.lines + [None] * len(want))):
            if w != g:
                problems.append(f"line {i + 1}: want {w!r}, DOM has {g!r}")
                break
        problems.append(f"{len(want)} transcript lines, {len(d.lines)} in the DOM")
    # each event (TLS, a connection, a close) shown where it happened
    seen = 0
    for kind, t in transcript_items(transcript):
        if kind != "event":
            seen += 1
        elif seen < len(d.between) and t not in d.between[seen]:
            problems.append(f"the event {t!r} is not between lines {seen} and {seen + 1}")
    if d.fetchers:
        problems.append(f"elements that fetch or run: {d.fetchers[:3]}")
    if any(re.search(r"url\(|@import", s, re.I) for s in d.styles):
        problems.append("the CSS fetches (url() or @import)")
    for s in secrets:
        if s in text:
            problems.append(f"a secret is in the DOM: {s!r}")
    if not want:
        problems.append("the transcript has no lines to compare")
    return problems


def split_row(row):
    cells = re.split(r"(?<!\\)\|", row)
    return [c.strip() for c in cells[1:-1]]


def code_text(cell):
    if not cell:
        return ""
    m = re.fullmatch(r"(`+)(.*?)\1", cell, re.S)
    if not m:
        return None
    inner = m.group(2)
    # CommonMark: one space stripped at each end when both are there
    if len(inner) >= 2 and inner[0] == " " and inner[-1] == " " and inner.strip(" "):
        inner = inner[1:-1]
    return inner.replace("\\|", "|")


def check_markdown(transcript, md_path):
    want = transcript_lines(transcript)
    got = []
    problems = []
    for row in open(md_path, encoding="utf-8"):
        row = row.rstrip("\n")
        if not row.startswith("|"):
            continue
        cells = split_row(row)
        if len(cells) != 4:
            problems.append(f"a row of {len(cells)} cells: {row[:80]}")
            continue
        if cells[1] in ("→", "←"):
            text = code_text(cells[2])
            if text is None:
                problems.append(f"no code span: {cells[2][:80]}")
            got.append(("S" if cells[1] == "→" else "R", text))
            if cells[0] != str(len(got)):
                problems.append(f"row numbered {cells[0]}, expected {len(got)}")
    if got != want:
        for i, (w, g) in enumerate(zip(want, got + [None] * len(want))):
            if w != g:
                problems.append(f"line {i + 1}: want {w!r}, table has {g!r}")
                break
        problems.append(f"{len(want)} transcript lines, {len(got)} in the table")
    return problems


def page_requests(netlog):
    """URL requests made for a file:// page (Chromium's own background
    requests have no page: their initiator is "not an origin")."""
    d = json.load(open(netlog))
    names = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    urls = []
    for e in d["events"]:
        p = e.get("params") or {}
        if names.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p:
            if "file://" in p.get("network_isolation_key", "") or \
                    p.get("initiator", "not an origin") != "not an origin":
                urls.append(p["url"])
    return urls


def main():
    cmd = sys.argv[1]
    if cmd == "lines":
        for d, t in transcript_lines(sys.argv[2]):
            print(f"{d} {t}")
        return 0
    if cmd == "dom":
        problems = check_dom(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "markdown":
        problems = check_markdown(sys.argv[2], sys.argv[3])
    elif cmd == "netlog":
        urls = page_requests(sys.argv[2])
        print(len(urls))
        return 0
    elif cmd == "png":
        b = open(sys.argv[2], "rb").read(24)
        ok = b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR"
        w, h = struct.unpack(">II", b[16:24]) if ok else (0, 0)
        problems = [] if ok and (w, h) == (int(sys.argv[3]), int(sys.argv[4])) else [
            f"not a {sys.argv[3]}x{sys.argv[4]} PNG: {b[:8]!r} {w}x{h}"]
    elif cmd == "lang":
        d = Dom()
        d.feed(open(sys.argv[2], encoding="utf-8").read())
        problems = [] if d.lang == sys.argv[3] else [f"lang {d.lang!r}"]
        cjk = any("\u4e00" <= c <= "\u9fff" for h in d.headings for c in h)
        if (sys.argv[3] == "zh-CN") != cjk:
            problems.append(f"headings {d.headings[:3]!r}")
    else:
        print(__doc__)
        return 2
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
