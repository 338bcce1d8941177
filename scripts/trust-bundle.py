#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""trust-bundle.py [--check]: the vendor trust bundle.

Reads trust/bundle.json, checks that every PEM file under trust/ holds
exactly the certificates whose SHA-256 fingerprints the manifest lists
(in order), that every file under trust/ is listed, and writes
verify/src/csra_trust_bundle.inc, which builds them into the library.
--check writes nothing and fails if the .inc is not what it would write
(CI runs it), so a root cannot change without its fingerprint changing in
the manifest, in review."""
import base64, hashlib, json, os, re, sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(TOP, "verify", "src", "csra_trust_bundle.inc")
KIND = re.compile(r"^[a-z0-9-]{1,31}$")


def blocks(text, path):
    found = re.findall(r"-----BEGIN CERTIFICATE-----\r?\n(.*?)-----END CERTIFICATE-----", text, re.S)
    rest = re.sub(r"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----", "", text, flags=re.S)
    if rest.strip():
        sys.exit("trust-bundle: %s: text outside CERTIFICATE blocks" % path)
    return [("-----BEGIN CERTIFICATE-----\n" + b.replace("\r", "") + "-----END CERTIFICATE-----\n",
             base64.b64decode("".join(b.split()), validate=True)) for b in found]


def c_string(pem):
    return "\n".join('\t    "%s\\n"' % line for line in pem.rstrip("\n").split("\n"))


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        sys.exit("usage: trust-bundle.py [--check]")
    manifest = json.load(open(os.path.join(TOP, "trust", "bundle.json")))
    listed, rows = set(), []
    for e in manifest["certificates"]:
        kind, role, rel = e["format"], e["role"], e["file"]
        if not KIND.match(kind) or role not in ("root", "intermediate"):
            sys.exit("trust-bundle: %s: bad format name or role" % rel)
        path = os.path.join(TOP, "trust", rel)
        certs = blocks(open(path).read(), rel)
        got = [hashlib.sha256(der).hexdigest() for _, der in certs]
        if got != [s.lower() for s in e["sha256"]]:
            sys.exit("trust-bundle: %s: SHA-256 %s, the manifest says %s" % (rel, got, e["sha256"]))
        if not e.get("source"):
            sys.exit("trust-bundle: %s: no source" % rel)
        listed.add(rel)
        for pem, der in certs:
            rows.append((kind, role, rel, hashlib.sha256(der).hexdigest(), pem))
    for d, _, files in os.walk(os.path.join(TOP, "trust")):
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), os.path.join(TOP, "trust"))
            if f.endswith(".pem") and rel not in listed:
                sys.exit("trust-bundle: trust/%s is not in trust/bundle.json" % rel)
    out = ["/* Made by scripts/trust-bundle.py from trust/: do not edit. */",
           "static const struct bundle_root bundle[] = {"]
    for kind, role, rel, fp, pem in rows:
        out.append("\t/* trust/%s, SHA-256 %s */" % (rel, fp))
        out.append('\t{ "%s", %d, "%s",\n%s },' % (kind, role == "root", fp, c_string(pem)))
    out.append("\t{ NULL, 0, NULL, NULL },")
    out.append("};")
    text = "\n".join(out) + "\n"
    if check:
        if not os.path.exists(OUT) or open(OUT).read() != text:
            sys.exit("trust-bundle: verify/src/csra_trust_bundle.inc is stale: run scripts/trust-bundle.py")
        print("trust-bundle: %d certificates, fingerprints as listed" % len(rows))
        return
    open(OUT, "w").write(text)
    print("trust-bundle: wrote %d certificates" % len(rows))


if __name__ == "__main__":
    main()
