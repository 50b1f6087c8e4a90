#!/usr/bin/python3
"""A plain TUF 1.0 (python-tuf dialect) repository for ferry's HTTP client
test, made with securesystemslib: gen-tuf-repo.py OUTDIR [--variant NAME]

OUTDIR/metadata/    1.root.json, 2.root.json (root key rotated, signed by the
                    old and the new root key), timestamp.json, consistent
                    snapshot: 1.snapshot.json, 1.targets.json, 1.role1.json,
                    1.role2.json (every version 1:
                    tests/conformance/tuf-fast-forward.py builds on that)
OUTDIR/targets/     consistent target names <sha256>.<name> in the name's
                    directory: targets/<h>.file1.txt,
                    targets/delegated/<h>.file2.txt,
                    targets/delegated/deep/<h>.file3.txt
OUTDIR/content/     the true content of each target, by name
OUTDIR/trusted-root.json   = metadata/1.root.json (the client's anchor)
OUTDIR/expected.json       target name -> length, sha256, content (the true
                           content's path: OUTDIR joined with content/NAME),
                           served (the hash-prefixed path under OUTDIR)

Delegations: targets -> role1 (paths delegated/*, delegated/deep/*) ->
role2 (paths delegated/deep/*). Keys (ferrygen names): root tuf-root1 then
tuf-root2, timestamp tuf-timestamp (Ed25519), snapshot tuf-snapshot (ECDSA
P-256), targets tuf-targets (RSA-3072), role1/role2 tuf-role1/tuf-role2.

Variants (each breaks one thing; a client must refuse it):
  bad-target-hash    the served delegated targets (file2, file3) differ from
                     their metadata (same length, other bytes)
  expired-timestamp  timestamp.json expired on 2024-06-01
  rollback-targets   snapshot lists targets.json at a version the file is not
                     (mix and match)
  forged-role1       role1's signature is corrupted (file2 and file3 cannot
                     be trusted; file1 still can)
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ferrygen as fg  # noqa: E402
from ferrygen import key  # noqa: E402

D = "tuf"
VARIANTS = ("bad-target-hash", "expired-timestamp", "rollback-targets", "forged-role1")
FILES = {"file1.txt": b"top-level target\n",
         "delegated/file2.txt": b"delegated target\n",
         "delegated/deep/file3.txt": b"nested delegated target\n"}
VERSIONS = {"timestamp": 1, "snapshot": 1, "targets": 1, "role1": 1, "role2": 1}


def entry(name):
    data = FILES[name]
    return {"hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "length": len(data)}


def usage():
    sys.exit("usage: gen-tuf-repo.py OUTDIR [--variant " + "|".join(VARIANTS) + "]")


def main():
    args = sys.argv[1:]
    variant = None
    if len(args) == 3 and args[1] == "--variant":
        variant = args[2]
    elif len(args) != 1:
        usage()
    if variant is not None and variant not in VARIANTS:
        usage()
    out = args[0]
    md = f"{out}/metadata"
    k = {"root1": key("tuf-root1"), "root2": key("tuf-root2"),
         "timestamp": key("tuf-timestamp"),
         "snapshot": key("tuf-snapshot", "ecdsa"), "targets": key("tuf-targets", "rsa"),
         "role1": key("tuf-role1"), "role2": key("tuf-role2")}

    def roles(n):
        return {"root": [k[f"root{n}"]], "timestamp": [k["timestamp"]],
                "snapshot": [k["snapshot"]], "targets": [k["targets"]]}

    r1 = fg.sign(fg.root_signed(roles(1), 1, fg.VALID, D, consistent=True), [k["root1"]], D)
    r2 = fg.sign(fg.root_signed(roles(2), 2, fg.VALID, D, consistent=True),
                 [k["root1"], k["root2"]], D)
    r1_bytes = fg.dump(f"{md}/1.root.json", r1)
    fg.write(f"{out}/trusted-root.json", r1_bytes)
    fg.dump(f"{md}/2.root.json", r2)

    v = VERSIONS
    role2 = fg.header("targets", v["role2"], fg.VALID, D)
    role2["targets"] = {"delegated/deep/file3.txt": entry("delegated/deep/file3.txt")}
    role1 = fg.header("targets", v["role1"], fg.VALID, D)
    role1["targets"] = {"delegated/file2.txt": entry("delegated/file2.txt")}
    role1["delegations"] = fg.delegations(
        [{"name": "role2", "keys": [k["role2"]], "paths": ["delegated/deep/*"]}], D)
    top = fg.header("targets", v["targets"], fg.VALID, D)
    top["targets"] = {"file1.txt": entry("file1.txt")}
    # python-tuf matches paths segment by segment ("*" never spans "/"), so
    # role1 needs a pattern for delegated/deep/ to reach role2 at all
    top["delegations"] = fg.delegations(
        [{"name": "role1", "keys": [k["role1"]], "paths": ["delegated/*", "delegated/deep/*"]}], D)

    fg.dump(f"{md}/{v['role2']}.role2.json", fg.sign(role2, [k["role2"]], D))
    env1 = fg.sign(role1, [k["role1"]], D)
    if variant == "forged-role1":
        fg.flip_sig(env1)
    fg.dump(f"{md}/{v['role1']}.role1.json", env1)
    tdata = fg.dump(f"{md}/{v['targets']}.targets.json", fg.sign(top, [k["targets"]], D))
    if variant == "rollback-targets":
        # served under the name snapshot asks for, so the version check is what fails
        fg.write(f"{md}/{v['targets'] + 1}.targets.json", tdata)

    snap = fg.header("snapshot", v["snapshot"], fg.VALID, D)
    listed_targets = v["targets"] + 1 if variant == "rollback-targets" else v["targets"]
    snap["meta"] = {"targets.json": fg.meta_entry(tdata, listed_targets),
                    "role1.json": {"version": v["role1"]}, "role2.json": {"version": v["role2"]}}
    sdata = fg.dump(f"{md}/{v['snapshot']}.snapshot.json", fg.sign(snap, [k["snapshot"]], D))
    ts = fg.header("timestamp", v["timestamp"],
                   fg.EXPIRED if variant == "expired-timestamp" else fg.VALID, D)
    ts["meta"] = {"snapshot.json": fg.meta_entry(sdata, v["snapshot"])}
    fg.dump(f"{md}/timestamp.json", fg.sign(ts, [k["timestamp"]], D))

    targets = {}
    for name, data in FILES.items():
        d, base = os.path.split(name)
        digest = hashlib.sha256(data).hexdigest()
        served = f"targets/{d + '/' if d else ''}{digest}.{base}"
        body = data
        if variant == "bad-target-hash" and name.startswith("delegated/"):
            body = data.replace(b"delegated", b"DELEGATED")  # same length, other hash
        fg.write(f"{out}/{served}", body)
        fg.write(f"{out}/content/{name}", data)
        targets[name] = {"length": len(data), "sha256": digest,
                         "content": os.path.join(out, "content", name), "served": served}
    expected = targets
    # in FILES order: top-level target first
    fg.write(f"{out}/expected.json", (json.dumps(expected, indent=2) + "\n").encode())


if __name__ == "__main__":
    main()
