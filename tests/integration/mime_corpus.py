#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares `smtpsh mime --json` with Python's email parser (policy.default)
on Python's own test messages: per part (depth first) the content type, its
parameters, the Subject decoded and the decoded payload size.  Where the two
readings legitimately differ the message is named in KNOWN with the reason;
a message listed there that no longer differs is reported too, so the table
stays true.  Prints PASS/FAIL lines; exit 0 when all agree."""
import email
import email.policy
import glob
import json
import subprocess
import sys

# message -> why Python and smtpsh read it differently (checked: it must differ)
KNOWN = {
    "msg_15.txt": "an inner multipart reuses its parent's boundary (RFC 2046 5.1.2 forbids it): "
                  "the delimiters are attributed differently",
    "msg_39.txt": "inner multiparts reuse their parent's boundary (RFC 2046 5.1.2 forbids it)",
    "msg_16.txt": "message/delivery-status: Python splits its field groups into text/plain "
                  "sub-parts; RFC 3464 makes it one body of fields, no MIME parts",
    "msg_43.txt": "message/delivery-status, as msg_16.txt",
    "msg_25.txt": "a bare word 'bo' among the parameters: Python keeps it as an empty parameter, "
                  "smtpsh drops it and reports a parameter that cannot be read",
    "msg_37.txt": "consecutive delimiters: RFC 2046 5.1.1 allows an empty body part between them "
                  "(smtpsh: text/plain, 0 bytes); Python drops them",
    "msg_42.txt": "a multipart whose only delimiter is the closing one: smtpsh reads a multipart "
                  "with no parts, Python a part with an empty payload",
}


def clean(s):
    """Python keeps undecodable bytes as surrogates; smtpsh's JSON shows U+FFFD."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if s else s


def python_tree(msg, out):
    ct = msg.get("content-type")
    params = {}
    if ct is not None and hasattr(ct, "params"):
        params = {k.lower(): clean(str(v)) for k, v in ct.params.items()}
    subject = msg.get("subject")
    node = {"type": msg.get_content_type(), "params": params,
            "subject": clean(str(subject)) if subject is not None else None}
    if msg.is_multipart():
        node["size"] = None
    else:
        payload = msg.get_payload(decode=True)
        node["size"] = len(payload) if isinstance(payload, bytes) else None
    out.append(node)
    if msg.is_multipart():
        for child in msg.get_payload():
            python_tree(child, out)


def smtpsh_tree(part, out):
    subject = None
    for name, value in part["headers"]:
        if name.lower() == "subject" and subject is None:
            subject = value
    out.append({"type": part["type"], "params": part["params"], "subject": subject,
                "size": part["size"]})
    for child in part["children"]:
        smtpsh_tree(child, out)


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
        for key in ("type", "params", "subject", "size"):
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
        if name in KNOWN and diffs:
            continue
        if name in KNOWN:
            print(f"FAIL mime_corpus {name}: listed as differing ({KNOWN[name]}) but agrees")
            failed += 1
        elif diffs:
            print(f"FAIL mime_corpus {name}: " + "; ".join(diffs[:4]))
            failed += 1
    print(f"{'FAIL' if failed else 'PASS'} mime_corpus: {len(paths)} messages, "
          f"{len(KNOWN)} known differences, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
