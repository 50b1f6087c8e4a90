#!/usr/bin/python3
"""Reference: the same verification work done by Debian's python3-securesystemslib
(parse, canonicalise, check the ed25519 signature of root, timestamp, snapshot and
targets; look one target up). Prints one JSON line like bench-verify-targets."""
import json
import resource
import sys
import time

from securesystemslib import formats, keys


def verify(doc, key):
    canon = formats.encode_canonical(doc["signed"]).encode()
    sig = doc["signatures"][0]
    keydict = {"keytype": "ed25519", "scheme": "ed25519", "keyid": sig["keyid"],
               "keyval": {"public": key["keyval"]["public"], "private": ""}}
    if not keys.verify_signature(keydict, {"keyid": sig["keyid"], "sig": sig["sig"]}, canon):
        raise SystemExit("bad signature")


def run(d):
    raw = {n: open(f"{d}/{n}.json", "rb").read() for n in ("root", "timestamp", "snapshot", "targets")}
    start = time.monotonic()
    docs = {n: json.loads(b) for n, b in raw.items()}
    root = docs["root"]["signed"]
    for role in ("root", "timestamp", "snapshot", "targets"):
        keyid = root["roles"][role]["keyids"][0]
        verify(docs[role], root["keys"][keyid])
    assert "fw/0000007.bin" in docs["targets"]["signed"]["targets"]
    return time.monotonic() - start, len(raw["targets"])


def main():
    d, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    times = []
    for _ in range(runs):
        t, size = run(d)
        times.append(t)
    times.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"targets_bytes": size, "runs": runs, "best_s": round(times[0], 4),
                      "median_s": round(times[len(times) // 2], 4), "peak_rss_kib": rss}))


main()
