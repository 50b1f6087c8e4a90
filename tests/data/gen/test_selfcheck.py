#!/usr/bin/python3
"""Sanity check of the generator itself, with securesystemslib only:
test_selfcheck.py [SCENARIO_DIR]   (without an argument: generates into a
temporary directory first). Also runs under pytest (test_selfcheck).

For every step that a scenario says must succeed, it re-verifies the step
directory from the provisioned roots: every root of the chain by a threshold
of the old and the new root keys, every other document by a threshold of
distinct keys of its role, key ids as this generator writes them, versions,
lengths and hashes in timestamp/snapshot/offline-snapshot listings, expiry,
the delegated roles needed to find the director's targets, binary payloads,
and finally that the chosen targets are the scenario's. It is a check that
the positive data is what it claims to be (signatures made right, listings
consistent); it is not a second verifier for the negative cases.
"""
import fnmatch
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ferrygen as fg  # noqa: E402

HEX64 = re.compile(r"^[0-9a-f]{64}$")


class Bad(Exception):
    pass


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    return data, json.loads(data)


def check_doc(env, root_signed, role, what):
    """@env is signed by a threshold of distinct keys of @role."""
    r = root_signed["roles"].get(role)
    if r is None:
        raise Bad(f"{what}: root has no role {role}")
    n, met = fg.count_valid(env, root_signed["keys"], r["keyids"], r["threshold"])
    if not met:
        raise Bad(f"{what}: {n} valid signatures of role {role}, threshold {r['threshold']}")
    for kid, keymeta in root_signed["keys"].items():
        if HEX64.match(kid) and fg.recomputed_keyid(keymeta, fg.dialect_of(root_signed)) != kid:
            raise Bad(f"{what}: key id {kid} is not the one this generator computes")


def check_expiry(signed, now, what):
    if signed["expires"] <= now:
        raise Bad(f"{what}: expired {signed['expires']} (now {now})")


def walk_roots(trusted, d, now, what):
    """The final root reached from @trusted through d/N.root.json."""
    _, cur = load(trusted)
    while True:
        path = os.path.join(d, f"{cur['signed']['version'] + 1}.root.json")
        if not os.path.exists(path):
            break
        _, new = load(path)
        check_doc(new, cur["signed"], "root", f"{what} {path} (old keys)")
        check_doc(new, new["signed"], "root", f"{what} {path} (own keys)")
        if new["signed"]["version"] != cur["signed"]["version"] + 1:
            raise Bad(f"{path}: wrong version")
        cur = new
    check_expiry(cur["signed"], now, f"{what} final root")
    return cur["signed"]


def check_listing(entry, data, doc, what):
    if "length" in entry and entry["length"] != len(data):
        raise Bad(f"{what}: length {entry['length']} != {len(data)}")
    want = entry.get("hashes", {}).get("sha256")
    if want is not None:
        raw = hashlib.sha256(data).hexdigest()
        canon = hashlib.sha256(fg.canonical(doc, fg.dialect_of(doc["signed"]))).hexdigest()
        if want not in (raw, canon):
            raise Bad(f"{what}: sha256 matches neither the bytes nor the canonical form")


def director_online(d, root, now):
    _, t = load(os.path.join(d, "targets.json"))
    check_doc(t, root, "targets", "director targets")
    check_expiry(t["signed"], now, "director targets")
    return t["signed"]["targets"], True


def director_lockbox(d, root, now):
    for snap_file, osnap, oupd in (("offline-snapshot.json", "offline-snapshot", "offline-updates"),
                                   ("offline-update-snapshot.json", "offline-update-snapshot",
                                    "offline-update-targets")):
        if os.path.exists(os.path.join(d, snap_file)):
            break
    else:
        raise Bad("no offline snapshot")
    _, snap = load(os.path.join(d, snap_file))
    check_doc(snap, root, osnap, snap_file)
    check_expiry(snap["signed"], now, snap_file)
    for name in sorted(snap["signed"]["meta"]):
        path = os.path.join(d, name)
        if not os.path.exists(path):
            continue
        entry = snap["signed"]["meta"][name]
        data, upd = load(path)
        check_listing(entry, data, upd, name)
        if upd["signed"]["version"] != entry["version"]:
            raise Bad(f"{name}: version differs from offline snapshot")
        check_doc(upd, root, oupd, name)
        check_expiry(upd["signed"], now, name)
        return upd["signed"]["targets"], False
    raise Bad("no lockbox present")


def image_repo(d, root, now):
    """(top-level targets envelope, snapshot meta)"""
    sdata, snap = load(os.path.join(d, "snapshot.json"))
    ts_path = os.path.join(d, "timestamp.json")
    if os.path.exists(ts_path):
        _, ts = load(ts_path)
        check_doc(ts, root, "timestamp", "timestamp")
        check_expiry(ts["signed"], now, "timestamp")
        entry = ts["signed"]["meta"]["snapshot.json"]
        check_listing(entry, sdata, snap, "snapshot.json in timestamp")
        if entry["version"] != snap["signed"]["version"]:
            raise Bad("snapshot version differs from timestamp")
    check_doc(snap, root, "snapshot", "snapshot")
    check_expiry(snap["signed"], now, "snapshot")
    tdata, targets = load(os.path.join(d, "targets.json"))
    entry = snap["signed"]["meta"]["targets.json"]
    check_listing(entry, tdata, targets, "targets.json in snapshot")
    if entry["version"] != targets["signed"]["version"]:
        raise Bad("targets version differs from snapshot")
    check_doc(targets, root, "targets", "image targets")
    check_expiry(targets["signed"], now, "image targets")
    return targets["signed"], snap["signed"]["meta"]


def find_target(d, signed, meta, name, now, depth=0):
    """Pre-order search through delegations (python-tuf's order)."""
    if name in signed.get("targets", {}):
        return signed["targets"][name]
    dele = signed.get("delegations")
    if not dele or depth > 32:
        return None
    for r in dele["roles"]:
        if not any(fnmatch.fnmatch(name, p) for p in r["paths"]):
            continue
        _, env = load(os.path.join(d, "delegations", f"{r['name']}.json"))
        n, met = fg.count_valid(env, dele["keys"], r["keyids"], r["threshold"])
        if not met:
            raise Bad(f"delegated role {r['name']}: {n} valid signatures")
        if meta[f"{r['name']}.json"]["version"] != env["signed"]["version"]:
            raise Bad(f"delegated role {r['name']}: version differs from snapshot")
        if env["signed"]["expires"] > now:
            found = find_target(d, env["signed"], meta, name, now, depth + 1)
            if found is not None:
                return found
        if r.get("terminating"):
            return None
    return None


def check_step(case_dir, scen, step, now):
    sd = os.path.join(case_dir, step["dir"])
    online = os.path.isdir(os.path.join(sd, "director"))
    ddir = os.path.join(sd, "director" if online else "metadata/director")
    idir = os.path.join(sd, "image_repo" if online else "metadata/image-repo")
    init = scen["init"]
    droot = walk_roots(os.path.join(case_dir, init["director_root"]), ddir, now, "director")
    dtargets, by_ecu = (director_online if online else director_lockbox)(ddir, droot, now)
    iroot = walk_roots(os.path.join(case_dir, init["image_root"]), idir, now, "image")
    itop, meta = image_repo(idir, iroot, now)
    chosen = []
    for name, t in dtargets.items():
        if by_ecu:
            ecus = t["custom"]["ecuIdentifiers"]
            if scen["ecu_serial"] not in ecus:
                continue
            hw = ecus[scen["ecu_serial"]]["hardwareId"]
        elif scen["hardware_id"] in t["custom"]["hardwareIds"]:
            hw = scen["hardware_id"]
        else:
            continue
        if hw != scen["hardware_id"]:
            raise Bad(f"{name}: hardware id {hw}")
        it = find_target(idir, itop, meta, name, now)
        if it is None:
            raise Bad(f"{name}: not in the image repository")
        if it["length"] != t["length"] or it["hashes"]["sha256"] != t["hashes"]["sha256"] or \
                hw not in it["custom"]["hardwareIds"]:
            raise Bad(f"{name}: image and director entries differ")
        payload = os.path.join(sd, "image_repo" if online else "images", name)
        if t["length"] > 0:
            with open(payload, "rb") as f:
                data = f.read()
            if len(data) != t["length"] or hashlib.sha256(data).hexdigest() != t["hashes"]["sha256"]:
                raise Bad(f"{name}: payload does not match")
        chosen.append(name)
    if sorted(chosen) != sorted(step["targets"]):
        raise Bad(f"chose {sorted(chosen)}, scenario says {step['targets']}")


def check_all(out):
    checked = 0
    problems = []
    for case in sorted(os.listdir(out)):
        case_dir = os.path.join(out, case)
        with open(os.path.join(case_dir, "scenario.json")) as f:
            scen = json.load(f)
        seen = "0000"
        for step in scen["steps"]:
            # expiry is judged against the newest time the device has seen
            now = max(step["now"], seen)
            if step["ok"]:
                try:
                    check_step(case_dir, scen, step, now)
                    checked += 1
                except (Bad, KeyError, OSError) as e:
                    problems.append(f"{case} step {step['dir']}: {type(e).__name__}: {e}")
                seen = now
            else:
                break
    return checked, problems


def run(out=None):
    if out is None:
        tmp = tempfile.TemporaryDirectory()
        out = tmp.name
        subprocess.run([sys.executable, os.path.join(HERE, "gen-scenarios.py"), out], check=True,
                       stdout=subprocess.DEVNULL)
    return check_all(out)


def test_selfcheck():
    checked, problems = run(os.environ.get("FERRY_SCENARIOS"))
    assert not problems, "\n".join(problems)
    assert checked > 0


def main():
    checked, problems = run(sys.argv[1] if len(sys.argv) > 1 else None)
    for p in problems:
        print("FAIL", p)
    print(f"{checked} passed, {len(problems)} failed")
    return 1 if problems or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
