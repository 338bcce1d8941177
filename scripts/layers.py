#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""layers.py BUILD_DIR [SOURCE_DIR]: the library's object files may only call down.

The layers, lowest first: runtime/ (strict decode, DER, input), then in
verify/ the core (the verifier object, results, policy, chains, keys, the
statement contract), the formats (one module per attestation format, and
the registry), and requests (CSR and CRMF, which drive the formats); the
attester (attest/) sits on runtime/ alone. Reads `nm` of each object: an
undefined symbol defined by an object of a layer the caller may not use
is an error, and so is one format calling into another (only the
registry names them all). Include paths already keep attest/ and
runtime/ from verify/'s headers; this catches the calls."""
import os, subprocess, sys

VERIFY_CORE = {"csra_verifier", "csra_result", "csra_x509", "csra_link", "csra_pkey", "csra_cache", "csra_weak",
               "csra_stmt", "csra_policy", "csra_trust_bundle", "csra_certbag", "csra_fastlink"}
VERIFY_REQUEST = {"csra_request"}
REGISTRY = "csra_formats"
MAY_USE = {
    "runtime": {"runtime"},
    "core": {"runtime", "core"},
    "format": {"runtime", "core"},
    "registry": {"runtime", "core", "format"},
    "request": {"runtime", "core", "format", "registry", "request"},
    "attest": {"runtime", "attest"},
}


def layer_of(objdir, stem):
    if objdir == "runtime":
        return "runtime"
    if objdir == "attest":
        return "attest"
    if stem in VERIFY_CORE:
        return "core"
    if stem in VERIFY_REQUEST:
        return "request"
    if stem == REGISTRY:
        return "registry"
    return "format"


def main():
    build = sys.argv[1]
    top = sys.argv[2] if len(sys.argv) > 2 else "."
    objs = {}
    for layer in ("runtime", "verify", "attest"):
        base = os.path.join(build, "CMakeFiles", "csra_%s_objs.dir" % layer, layer)
        if not os.path.isdir(os.path.join(base, "src")):
            sys.exit("layers.py: no objects in %s (build the library first)" % base)
        for dirpath, _, files in os.walk(base):
            rel = os.path.relpath(dirpath, base)
            for f in sorted(files):
                stem = f.split(".")[0]
                # Objects of sources since removed stay in a build tree.
                if not f.endswith(".o") or not os.path.exists(os.path.join(top, layer, rel, stem + ".c")):
                    continue
                # verify/formats/<name>/: one vendor format each.
                lay = "format" if rel.startswith("formats") else layer_of(layer, stem)
                objs[os.path.join(dirpath, f)] = (stem, lay)
    defined, undefined = {}, {}
    for path, (stem, _) in objs.items():
        out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
        und = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                und.add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDBRC":
                defined[parts[2]] = path
        undefined[path] = und
    bad = 0
    for path, syms in undefined.items():
        stem, layer = objs[path]
        for s in sorted(syms):
            if s not in defined:
                continue
            ostem, olayer = objs[defined[s]]
            if ostem == stem:
                continue
            # A vendor format may span files of its own folder.
            same_folder = (os.path.dirname(path) == os.path.dirname(defined[s]) and
                           os.sep + "formats" + os.sep in path)
            if olayer not in MAY_USE[layer] or (layer == olayer == "format" and not same_folder):
                print("layers: %s (%s) calls %s from %s (%s)" % (stem, layer, s, ostem, olayer))
                bad += 1
    if bad:
        sys.exit("layers: %d call(s) against the layering (scripts/layers.py says which "
                 "layer may use which)" % bad)
    print("layers: %d objects, every call goes down" % len(objs))


if __name__ == "__main__":
    main()
