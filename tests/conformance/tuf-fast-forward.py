#!/usr/bin/python3
"""Changes to a repository written by tests/data/gen/gen-tuf-repo.py, signed
with its deterministic Ed25519 keys (tests/data/gen/ferrygen.py), found by
matching the key ids the newest root lists:

  tuf-fast-forward.py REPO resign          timestamp.json: same version, other
                                          content (another expiry)
  tuf-fast-forward.py REPO bump N          timestamp.json: version + N
  tuf-fast-forward.py REPO rotate-timestamp-key
                                          a new root (newest + 1) gives the
                                          timestamp role a new key;
                                          timestamp.json is version 1, by it
"""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "gen"))
import ferrygen as fg  # noqa: E402

D = "tuf"
NEW_TIMESTAMP_KEY = "tuf-mutate-timestamp"
CANDIDATES = [f"tuf-{role}{n}" for role in ("root", "timestamp") for n in ("", "1", "2", "3")] + [
    NEW_TIMESTAMP_KEY]


def newest_root(md):
    paths = glob.glob(f"{md}/*.root.json")
    path = max(paths, key=lambda p: int(re.match(r"(\d+)\.root\.json$", os.path.basename(p))[1]))
    with open(path) as f:
        return json.load(f)["signed"]


def role_keys(root, role):
    """The keys of @role in @root, from the generator's key names."""
    wanted = root["roles"][role]["keyids"]
    found = [fg.key(n) for n in CANDIDATES if fg.key(n).keyid(D) in wanted]
    if not found:
        sys.exit(f"tuf-fast-forward: no known key signs {role}")
    return found


def load_timestamp(md):
    with open(f"{md}/timestamp.json") as f:
        return json.load(f)["signed"]


def write_timestamp(md, signed, keys):
    fg.dump(f"{md}/timestamp.json", fg.sign(signed, keys, D))


def rotate_timestamp_key(md):
    root = newest_root(md)
    signers = role_keys(root, "root")
    new_key = fg.key(NEW_TIMESTAMP_KEY)
    old = root["roles"]["timestamp"]["keyids"]
    for keyid in old:
        if not any(keyid in r["keyids"] for n, r in root["roles"].items() if n != "timestamp"):
            del root["keys"][keyid]
    root["keys"][new_key.keyid(D)] = new_key.metadata(D)
    root["roles"]["timestamp"]["keyids"] = [new_key.keyid(D)]
    root["version"] += 1
    fg.dump(f"{md}/{root['version']}.root.json", fg.sign(root, signers, D))
    ts = load_timestamp(md)
    ts["version"] = 1
    write_timestamp(md, ts, [new_key])


def main():
    repo, step = sys.argv[1], sys.argv[2]
    md = f"{repo}/metadata"
    if step == "resign":
        ts = load_timestamp(md)
        ts["expires"] = "2029-12-31T00:00:00Z" if ts["expires"] != "2029-12-31T00:00:00Z" \
            else "2029-12-30T00:00:00Z"
        write_timestamp(md, ts, role_keys(newest_root(md), "timestamp"))
    elif step == "bump":
        ts = load_timestamp(md)
        ts["version"] += int(sys.argv[3])
        write_timestamp(md, ts, role_keys(newest_root(md), "timestamp"))
    elif step == "rotate-timestamp-key":
        rotate_timestamp_key(md)
    else:
        sys.exit(f"tuf-fast-forward: unknown step {step}")


main()
