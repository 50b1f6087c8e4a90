#!/usr/bin/python3
"""Independent check of a ferry bundle with python3-securesystemslib and
tarfile: verify-bundle.py BUNDLE DIRECTOR_ROOT

Member order and the format line; the director metadata (offline-snapshot,
lockbox) and the manifest signed by their roles in the given director root;
the offline-snapshot listing the lockbox's exact length and hash; every
member matching the manifest's size and sha256."""
import hashlib
import json
import sys
import tarfile

from securesystemslib import formats, keys


def verify(doc, root, role):
    data = formats.encode_canonical(doc["signed"]).encode()
    r = root["signed"]["roles"][role]
    good = set()
    for sig in doc["signatures"]:
        if sig["keyid"] in r["keyids"]:
            key = dict(root["signed"]["keys"][sig["keyid"]], keyid=sig["keyid"])
            if keys.verify_signature(key, sig, data):
                good.add(key["keyval"]["public"])
    if len(good) < r["threshold"]:
        sys.exit(f"{role}: threshold not met")


def main():
    bundle, root_path = sys.argv[1], sys.argv[2]
    root = json.load(open(root_path))
    with tarfile.open(bundle, "r:") as tar:
        members = tar.getmembers()
        data = {m.name: tar.extractfile(m).read() for m in members}
    names = [m.name for m in members]
    if names[0] != "format" or data["format"] != b"ferry-bundle 1\n":
        sys.exit("format member")
    if not all(m.isfile() for m in members):
        sys.exit("non-regular member")
    manifest = json.loads(data["manifest.json"])
    verify(manifest, root, "offline-updates")
    listed = [m["path"] for m in manifest["signed"]["members"]]
    if listed != [n for n in names if n not in ("format", "manifest.json")]:
        sys.exit("manifest member list differs from the archive")
    for m in manifest["signed"]["members"]:
        if len(data[m["path"]]) != m["size"] or hashlib.sha256(data[m["path"]]).hexdigest() != m["sha256"]:
            sys.exit(f"{m['path']} differs from the manifest")
    if names.index("manifest.json") > min(i for i, n in enumerate(names) if n.startswith("deltas/")):
        sys.exit("payload before the manifest")
    osnap = json.loads(data["director/offline-snapshot.json"])
    verify(osnap, root, "offline-snapshot")
    lockbox = f"{manifest['signed']['name']}.json"
    box = data[f"director/{lockbox}"]
    entry = osnap["signed"]["meta"][lockbox]
    if entry["length"] != len(box) or entry["hashes"]["sha256"] != hashlib.sha256(box).hexdigest():
        sys.exit("offline-snapshot does not list the lockbox's bytes")
    verify(json.loads(box), root, "offline-updates")
    print("verified by securesystemslib")


main()
