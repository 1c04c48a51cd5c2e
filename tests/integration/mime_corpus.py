#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares `smtpsh mime --json` with Python's email parser (policy.default)
on Python's own test messages: per part (depth first) the content type, its
parameters, every header's decoded value, and the decoded payload's size and
SHA-256.  Python re-renders structured headers (addresses without comments,
dates with two-digit days, parameters quoted): a value that differs as text
must then be the same once Python renders smtpsh's decoded value itself
(smtpsh's value must hold no encoded word left for Python to decode).
A multipart whose boundary never appears is one part for both; smtpsh gives
its size but no SHA-256 (its text streamed by as a possible preamble).
Where the two
readings legitimately differ the message is named in KNOWN with the reason;
a message listed there that no longer differs is reported too, so the table
stays true.  Prints PASS/FAIL lines; exit 0 when all agree."""
import email
import email.policy
import glob
import hashlib
import json
import re
import subprocess
import sys

# message -> (what may differ, why Python and smtpsh read it so); checked:
# it must differ, and only there ("count": the number of parts)
KNOWN = {
    "msg_15.txt": (("size", "sha256"),
                   "an inner multipart reuses its parent's boundary (RFC 2046 5.1.2 forbids it): "
                   "the delimiters are attributed differently"),
    "msg_39.txt": (("size", "sha256"),
                   "inner multiparts reuse their parent's boundary (RFC 2046 5.1.2 forbids it)"),
    "msg_16.txt": (("count",),
                   "message/delivery-status: Python splits its field groups into text/plain "
                   "sub-parts; RFC 3464 makes it one body of fields, no MIME parts"),
    "msg_43.txt": (("count",), "message/delivery-status, as msg_16.txt"),
    "msg_25.txt": (("params",),
                   "a bare word 'bo' among the parameters: RFC 2045 5.1 wants attribute=value; "
                   "Python keeps it as an empty parameter, smtpsh drops it and says so"),
    "msg_37.txt": (("count",),
                   "consecutive delimiters: RFC 2046 5.1.1 allows an empty body part between "
                   "them (smtpsh: text/plain, 0 bytes); Python drops them"),
    "msg_42.txt": (("size", "sha256"),
                   "a multipart whose only delimiter is the closing one (RFC 2046 5.1.1 wants "
                   "one body part at least): smtpsh reads a multipart with no parts, Python a "
                   "part with an empty payload"),
}


def difference_kind(diff):
    """"count" for a different number of parts, else the field that differs."""
    m = re.match(r"(\d+ parts)|part \d+ ([^:]+):", diff)
    return "count" if m and m.group(1) else (m.group(2) if m else diff)


def clean(s):
    """Python keeps undecodable bytes as surrogates; smtpsh's JSON shows U+FFFD."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if s else s


def python_tree(msg, out):
    ct = msg.get("content-type")
    params = {}
    if ct is not None and hasattr(ct, "params"):
        params = {k.lower(): clean(str(v)) for k, v in ct.params.items()}
    headers = [[name, clean(str(value))] for name, value in msg.items()]
    node = {"type": msg.get_content_type(), "params": params, "headers": headers}
    if msg.is_multipart():
        node["size"] = node["sha256"] = None
    else:
        payload = msg.get_payload(decode=True)
        node["size"] = len(payload) if isinstance(payload, bytes) else None
        node["sha256"] = hashlib.sha256(payload).hexdigest() if isinstance(payload, bytes) else None
    out.append(node)
    if msg.is_multipart():
        for child in msg.get_payload():
            python_tree(child, out)


def smtpsh_tree(part, out):
    out.append({key: part[key] for key in ("type", "params", "headers", "size", "sha256")})
    for child in part["children"]:
        smtpsh_tree(child, out)


def same_header(name, got, want):
    if got == want:
        return True
    if "=?" in got:
        return False
    return str(email.policy.default.header_factory(name, got)) == want


def header_differences(got, want):
    if [n for n, _ in got] != [n for n, _ in want]:
        return [f"header names: smtpsh {[n for n, _ in got]}, Python {[n for n, _ in want]}"]
    return [f"{name}: smtpsh {g!r}, Python {w!r}"
            for (name, g), (_, w) in zip(got, want) if not same_header(name, g, w)]


def never_divided(part):
    """A multipart read as one part: smtpsh gives a size, as for a leaf."""
    return part["type"].startswith("multipart/") and part["size"] is not None


def differences(path, smtpsh):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    want = []
    python_tree(msg, want)
    run = subprocess.run([smtpsh, "mime", "--json", path], capture_output=True, check=False)
    if run.returncode != 0:
        return [f"smtpsh exited {run.returncode}: {run.stderr.decode(errors='replace')}"]
    got = []
    smtpsh_tree(json.loads(run.stdout)["message"], got)
    if len(got) != len(want):
        return [f"{len(got)} parts, Python {len(want)}: "
                f"{[p['type'] for p in got]} vs {[p['type'] for p in want]}"]
    diffs = []
    for i, (g, w) in enumerate(zip(got, want)):
        diffs += [f"part {i} {d}" for d in header_differences(g["headers"], w["headers"])]
        if g["sha256"] is None and never_divided(g):
            g["sha256"] = w["sha256"]
        for key in ("type", "params", "size", "sha256"):
            if g[key] != w[key]:
                diffs.append(f"part {i} {key}: smtpsh {g[key]!r}, Python {w[key]!r}")
    return diffs


def main():
    smtpsh = sys.argv[1]
    paths = sorted(glob.glob(sys.argv[2] + "/msg_*.txt"))
    if not paths:
        print("FAIL mime_corpus: no messages in " + sys.argv[2])
        return 1
    failed = 0
    for path in paths:
        name = path.rsplit("/", 1)[1]
        diffs = differences(path, smtpsh)
        if name in KNOWN:
            allowed, why = KNOWN[name]
            other = [d for d in diffs if difference_kind(d) not in allowed]
            if not diffs:
                print(f"FAIL mime_corpus {name}: listed as differing ({why}) but agrees")
                failed += 1
            elif other:
                print(f"FAIL mime_corpus {name}: differs beyond {allowed}: " + "; ".join(other[:4]))
                failed += 1
        elif diffs:
            print(f"FAIL mime_corpus {name}: " + "; ".join(diffs[:4]))
            failed += 1
    agree = sum(1 for p in paths if p.rsplit("/", 1)[1] not in KNOWN) - failed
    print(f"{'FAIL' if failed else 'PASS'} mime_corpus: {len(paths)} messages, {agree} agree "
          f"(tree, parameters, every decoded header, payload SHA-256), "
          f"{len(KNOWN)} known differences, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
