#!/usr/bin/python3
"""A plain TUF 1.0 repository for ferry-tuf-client's test, made with
securesystemslib: gen-tuf-repo.py OUTDIR [--variant NAME]

OUTDIR/metadata/   1.root.json, 2.root.json (root key rotated), timestamp.json,
                   consistent N.snapshot.json, N.targets.json, N.role1.json, N.role2.json
OUTDIR/targets/    <sha256>.<name> (consistent target names), in subdirectories
OUTDIR/trusted-root.json, OUTDIR/expected.json
Variants: bad-target-hash (a served file differs from its metadata),
expired-timestamp, rollback-targets (targets version lower than listed)."""
import hashlib
import json
import os
import sys

import ferrygen as fg
from ferrygen import Key

D = "tuf"


def main():
    out = sys.argv[1]
    variant = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--variant" else None
    md = f"{out}/metadata"
    os.makedirs(md, exist_ok=True)
    k = {n: Key(f"tuf-{n}") for n in ("root1", "root2", "timestamp", "snapshot", "targets", "role1", "role2")}
    files = {"file1.txt": b"top-level target\n", "delegated/file2.txt": b"delegated target\n",
             "delegated/deep/file3.txt": b"nested delegated target\n"}

    def roles(root_key):
        return {"root": [root_key], "timestamp": [k["timestamp"]], "snapshot": [k["snapshot"]],
                "targets": [k["targets"]]}

    r1 = fg.root_signed(roles(k["root1"]), 1, fg.VALID, D)
    r1["consistent_snapshot"] = True
    r2 = fg.root_signed(roles(k["root2"]), 2, fg.VALID, D)
    r2["consistent_snapshot"] = True
    fg.dump(f"{md}/1.root.json", fg.sign(r1, [k["root1"]], D))
    fg.dump(f"{out}/trusted-root.json", fg.sign(r1, [k["root1"]], D))
    fg.dump(f"{md}/2.root.json", fg.sign(r2, [k["root1"], k["root2"]], D))

    def entry(name):
        data = files[name]
        return {"length": len(data), "hashes": {"sha256": hashlib.sha256(data).hexdigest()}}

    def delegation(key, name, paths):
        return {"keys": {key.keyid(D): key.metadata(D)},
                "roles": [{"name": name, "keyids": [key.keyid(D)], "threshold": 1, "paths": paths,
                           "terminating": False}]}

    role2 = fg.header("targets", 1, fg.VALID, D)
    role2["targets"] = {"delegated/deep/file3.txt": entry("delegated/deep/file3.txt")}
    role1 = fg.header("targets", 1, fg.VALID, D)
    role1["targets"] = {"delegated/file2.txt": entry("delegated/file2.txt")}
    role1["delegations"] = delegation(k["role2"], "role2", ["delegated/deep/*"])
    top = fg.header("targets", 1, fg.VALID, D)
    top["targets"] = {"file1.txt": entry("file1.txt")}
    top["delegations"] = delegation(k["role1"], "role1", ["delegated/*", "delegated/*/*"])
    fg.dump(f"{md}/1.role2.json", fg.sign(role2, [k["role2"]], D))
    fg.dump(f"{md}/1.role1.json", fg.sign(role1, [k["role1"]], D))
    tdata = fg.dump(f"{md}/1.targets.json", fg.sign(top, [k["targets"]], D))
    snap = fg.header("snapshot", 1, fg.VALID, D)
    snap["meta"] = {"targets.json": fg.meta_entry(tdata, 2 if variant == "rollback-targets" else 1),
                    "role1.json": {"version": 1}, "role2.json": {"version": 1}}
    sdata = fg.dump(f"{md}/1.snapshot.json", fg.sign(snap, [k["snapshot"]], D))
    ts = fg.header("timestamp", 1, fg.EXPIRED if variant == "expired-timestamp" else fg.VALID, D)
    ts["meta"] = {"snapshot.json": fg.meta_entry(sdata, 1)}
    fg.dump(f"{md}/timestamp.json", fg.sign(ts, [k["timestamp"]], D))

    expected = {}
    for name, data in files.items():
        d, base = os.path.split(name)
        digest = hashlib.sha256(data).hexdigest()
        path = os.path.join(out, "targets", d, f"{digest}.{base}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        served = data
        if variant == "bad-target-hash" and name == "delegated/file2.txt":
            served = data.replace(b"delegated", b"DELEGATED")
        with open(path, "wb") as f:
            f.write(served)
        content = os.path.join(out, "content", name)
        os.makedirs(os.path.dirname(content), exist_ok=True)
        with open(content, "wb") as f:
            f.write(data)
        expected[name] = {"length": len(data), "sha256": digest, "content": content}
    with open(f"{out}/expected.json", "w") as f:
        json.dump(expected, f, indent=2)


main()
