#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Messages written by real writers, read by `smtpsh mime --json`:
    mime_writers.py SMTPSH DIR swaks   DIR/swaks.eml (swaks --attach DIR/bin.dat DIR/notes.txt)
    mime_writers.py SMTPSH DIR python  writes DIR/python.eml with Python's email package
Each is compared with Python's parser as the corpus test does (the same
tree, parameters, decoded headers, payload SHA-256), and the parts the
writer was given are found in smtpsh's tree with the bytes they had.
Prints PASS/FAIL lines; exit 0 when all hold."""
import hashlib
import json
import os
import subprocess
import sys
from email.message import EmailMessage
from email import policy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mime_corpus import differences  # noqa: E402

HTML = '<p>见图 <img src="cid:{cid}"></p>'
GBK_TEXT = "这是一段用 GBK 编码的中文。\n"
ATTACHMENT_NAME = "报告 2024.bin"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def write_python_message(path, binary, png):
    msg = EmailMessage()
    msg["From"] = "张三 <zhang@example.com>"
    msg["To"] = "李四 <li@example.com>"
    msg["Subject"] = "测试邮件：附件和图片"
    msg.set_content("纯文本正文。\n")
    cid = "<img1@example.com>"
    msg.add_alternative(HTML.format(cid=cid[1:-1]), subtype="html")
    msg.get_payload()[1].add_related(png, "image", "png", cid=cid, filename="图.png")
    msg.add_attachment(binary, maintype="application", subtype="octet-stream",
                       filename=ATTACHMENT_NAME)
    msg.add_attachment(GBK_TEXT, subtype="plain", charset="gbk", cte="base64")
    with open(path, "wb") as f:
        f.write(msg.as_bytes(policy=policy.SMTP))
    return cid


def smtpsh_parts(smtpsh, path):
    run = subprocess.run([smtpsh, "mime", "--json", path], capture_output=True, check=True)
    out = []

    def walk(part):
        out.append(part)
        for child in part["children"]:
            walk(child)
    walk(json.loads(run.stdout)["message"])
    return out


def filename(part):
    return part["disposition_params"].get("filename") or part["params"].get("name")


def check(name, ok, failures):
    if not ok:
        failures.append(name)


def main():
    smtpsh, work, writer = sys.argv[1:4]
    with open(os.path.join(work, "bin.dat"), "rb") as f:
        binary = f.read()
    failures = []
    if writer == "swaks":
        path = os.path.join(work, "swaks.eml")
        with open(os.path.join(work, "notes.txt"), "rb") as f:
            notes = f.read()
        parts = smtpsh_parts(smtpsh, path)
        by_name = {filename(p): p for p in parts if filename(p)}
        check("swaks: bin.dat's bytes", by_name.get("bin.dat", {}).get("sha256") == sha(binary),
              failures)
        check("swaks: notes.txt's bytes",
              by_name.get("notes.txt", {}).get("sha256") == sha(notes), failures)
        check("swaks: types", [p["type"] for p in parts] ==
              ["multipart/mixed", "text/plain", "application/octet-stream", "text/plain"], failures)
    else:
        path = os.path.join(work, "python.eml")
        png = bytes.fromhex("89504e470d0a1a0a") + os.urandom(700)
        cid = write_python_message(path, binary, png)
        parts = smtpsh_parts(smtpsh, path)
        check("python: types", [p["type"] for p in parts] == [
            "multipart/mixed", "multipart/alternative", "text/plain", "multipart/related",
            "text/html", "image/png", "application/octet-stream", "text/plain"], failures)
        headers = dict((n, v) for n, v in parts[0]["headers"])
        check("python: From decoded", headers.get("From") == "张三 <zhang@example.com>", failures)
        check("python: Subject decoded", headers.get("Subject") == "测试邮件：附件和图片", failures)
        attachment = [p for p in parts if filename(p) == ATTACHMENT_NAME]
        check("python: the Chinese file name and the binary bytes",
              len(attachment) == 1 and attachment[0]["sha256"] == sha(binary), failures)
        image = [p for p in parts if p["content_id"] == cid]
        check("python: the cid image's bytes", len(image) == 1 and image[0]["sha256"] == sha(png),
              failures)
        gbk = [p for p in parts if p["params"].get("charset", "").lower() == "gbk"]
        check("python: the GBK part's bytes",
              len(gbk) == 1 and gbk[0]["sha256"] == sha(GBK_TEXT.encode("gbk")), failures)
    diffs = differences(path, smtpsh)
    check(f"{writer}: the same as Python's parser ({'; '.join(diffs[:3])})", not diffs, failures)
    for f in failures:
        print(f"FAIL mime_writers {f}")
    if not failures:
        print(f"PASS mime_writers {writer}: {len(parts)} parts, the same tree and bytes")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
