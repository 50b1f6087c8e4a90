#!/usr/bin/python3
"""Independent check of metadata ferry wrote, with python3-securesystemslib:
verify-repo.py IMAGE_REPO_DIR DIRECTOR_DIR

- every key id is the one securesystemslib computes for that key
- each document is signed, over encode_canonical(signed), by a threshold of
  distinct keys of its role as root lists them
- snapshot/timestamp list the exact length and sha256 of the files they name
Exits non-zero with a message on the first problem."""
import hashlib
import json
import sys

from securesystemslib import formats, keys


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    return raw, json.loads(raw)


def check_keyids(root):
    for kid, key in root["signed"]["keys"].items():
        want = keys._get_keyid(key["keytype"], key["scheme"], key["keyval"])
        if want != kid:
            sys.exit(f"key id {kid} is not securesystemslib's {want}")


def verify(doc, root, role, what):
    signed = doc["signed"]
    data = formats.encode_canonical(signed).encode()
    r = root["signed"]["roles"][role]
    good = set()
    for sig in doc["signatures"]:
        if sig["keyid"] not in r["keyids"]:
            continue
        key = dict(root["signed"]["keys"][sig["keyid"]])
        key["keyid"] = sig["keyid"]
        if keys.verify_signature(key, sig, data):
            good.add(key["keyval"]["public"])
    if len(good) < r["threshold"]:
        sys.exit(f"{what}: {len(good)} valid signatures of role {role}, threshold {r['threshold']}")


def check_listed(listing, raw, what):
    if listing.get("length") != len(raw):
        sys.exit(f"{what}: listed length {listing.get('length')} != {len(raw)}")
    if listing["hashes"]["sha256"] != hashlib.sha256(raw).hexdigest():
        sys.exit(f"{what}: listed sha256 differs")


def main():
    image, director = sys.argv[1], sys.argv[2]
    _, iroot = load(f"{image}/root.json")
    check_keyids(iroot)
    verify(iroot, iroot, "root", "image root")
    traw, targets = load(f"{image}/targets.json")
    verify(targets, iroot, "targets", "image targets")
    sraw, snap = load(f"{image}/snapshot.json")
    verify(snap, iroot, "snapshot", "image snapshot")
    check_listed(snap["signed"]["meta"]["targets.json"], traw, "snapshot lists targets.json")
    _, ts = load(f"{image}/timestamp.json")
    verify(ts, iroot, "timestamp", "image timestamp")
    check_listed(ts["signed"]["meta"]["snapshot.json"], sraw, "timestamp lists snapshot.json")
    _, droot = load(f"{director}/root.json")
    check_keyids(droot)
    verify(droot, droot, "root", "director root")
    for role in ("offline-snapshot", "offline-updates"):
        if role not in droot["signed"]["roles"]:
            sys.exit(f"director root has no {role} role")
    print("verified by securesystemslib")


main()
