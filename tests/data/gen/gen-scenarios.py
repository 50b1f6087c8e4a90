#!/usr/bin/python3
"""Writes ferry's attack and happy-path scenarios: gen-scenarios.py OUTDIR

Each OUTDIR/<case>/scenario.json says what a device (hardware id, ECU serial,
provisioned roots) must conclude at each step; step directories hold the
metadata in the online (director/, image_repo/) or lockbox
(metadata/director/, metadata/image-repo/) layout. See README.md here.
"""
import hashlib
import json
import os
import shutil
import sys

import ferrygen as fg
from ferrygen import EXPIRED, VALID, Key

NOW = "2025-01-01T00:00:00Z"
HW = "hw-alpha"
ECU = "ecu-0001"
COMMIT_A = hashlib.sha256(b"ostree commit a").hexdigest()
COMMIT_B = hashlib.sha256(b"ostree commit b").hexdigest()


def ostree_target(name, commit, hw=HW, ecu=ECU):
    return {"name": name, "length": 0, "sha256": commit, "hw": hw, "ecu": ecu, "format": "OSTREE"}


def binary_target(name, content, hw=HW, ecu=ECU):
    return {"name": name, "length": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "hw": hw, "ecu": ecu, "format": "BINARY", "content": content}


class Cfg:
    """Everything one step directory is made of; scenarios change fields."""

    def __init__(self, env="main", layout="online", dialect="tuf", kind="ed25519", naming="torizon"):
        self.layout = layout
        self.dialect = dialect
        self.naming = naming
        self.lockbox = "bundle-1"
        k = lambda n: Key(f"{env}-{n}", kind)
        self.dkeys = {"root": k("d-root"), "targets": k("d-targets"),
                      "offline-snapshot": k("d-osnap"), "offline-updates": k("d-oupd")}
        self.ikeys = {"root": k("i-root"), "timestamp": k("i-ts"), "snapshot": k("i-snap"),
                      "targets": k("i-targets")}
        # root chains: one dict role -> [Key] per version; thresholds per version
        self.droots = [self._director_roles()]
        self.iroots = [{r: [key] for r, key in self.ikeys.items()}]
        self.droot_thresholds = [{}]
        self.iroot_thresholds = [{}]
        self.root_expires = VALID
        self.targets = [ostree_target("image-a-1.0", COMMIT_A)]
        self.director_targets = None  # default: self.targets
        self.image_targets = None  # default: self.targets
        self.versions = {"director/targets": 1, "director/offline-snapshot": 1,
                         "director/offline-updates": 1, "image/timestamp": 1,
                         "image/snapshot": 1, "image/targets": 1}
        self.expires = {}
        self.delegations = None  # list of (role dict, targets list, keys)
        self.image_timestamp = layout == "online"
        self.pre = {}  # doc -> f(signed) -> signed, before signing
        self.post = {}  # doc -> f(envelope) -> envelope, after signing
        self.raw = {}  # doc -> f(bytes) -> bytes, after serialising
        self.signers = {}  # doc -> [Key]
        self.keyids = {}  # doc -> [keyid]
        self.listing = {}  # doc -> dict merged into its listing entry
        self.omit = set()  # docs not written
        self.extra_roots = {}  # ("director"|"image", version) -> envelope

    def _director_roles(self):
        roles = {"root": [self.dkeys["root"]], "targets": [self.dkeys["targets"]]}
        if self.layout == "lockbox":
            names = ("offline-snapshot", "offline-updates") if self.naming == "torizon" else (
                "offline-update-snapshot", "offline-update-targets")
            roles[names[0]] = [self.dkeys["offline-snapshot"]]
            roles[names[1]] = [self.dkeys["offline-updates"]]
        return roles

    def exp(self, doc):
        return self.expires.get(doc, VALID)


def finish(cfg, doc, signed, default_signers):
    if doc in cfg.pre:
        signed = cfg.pre[doc](signed)
    env = fg.sign(signed, cfg.signers.get(doc, default_signers), cfg.dialect, cfg.keyids.get(doc))
    if doc in cfg.post:
        env = cfg.post[doc](env)
    data = fg.raw_bytes(env)
    if doc in cfg.raw:
        data = cfg.raw[doc](data)
    return data


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def root_chain(cfg, repo, chain, thresholds):
    out = []
    for i, roles in enumerate(chain):
        v = i + 1
        doc = f"{repo}/root/{v}"
        signed = fg.root_signed(roles, v, cfg.root_expires, cfg.dialect, thresholds[i])
        signers = list(roles["root"])
        if i > 0:
            signers = [k for k in chain[i - 1]["root"] if k not in signers] + signers
        out.append(finish(cfg, doc, signed, signers))
    return out


def target_entry(t, side, cfg):
    e = {"length": t["length"], "hashes": {"sha256": t["sha256"]}}
    custom = {"targetFormat": t["format"], "name": t["name"].rsplit("-", 1)[0]}
    if side == "director" and cfg.layout == "online":
        custom = {"ecuIdentifiers": {t["ecu"]: {"hardwareId": t["hw"]}}}
    else:
        custom["hardwareIds"] = [t["hw"]]
    e["custom"] = custom
    return e


def targets_signed(cfg, doc, role, targets, side):
    s = fg.header(role, cfg.versions.get(doc, 1), cfg.exp(doc), cfg.dialect)
    s["targets"] = {t["name"]: target_entry(t, side, cfg) for t in targets}
    return s


def write_director(cfg, d):
    ddir = f"{d}/director" if cfg.layout == "online" else f"{d}/metadata/director"
    for i, data in enumerate(root_chain(cfg, "director", cfg.droots, cfg.droot_thresholds)):
        write(f"{ddir}/{i + 1}.root.json", data)
    targets = cfg.director_targets if cfg.director_targets is not None else cfg.targets
    if cfg.layout == "online":
        data = finish(cfg, "director/targets",
                      targets_signed(cfg, "director/targets", "targets", targets, "director"),
                      [cfg.dkeys["targets"]])
        if "director/targets" not in cfg.omit:
            write(f"{ddir}/targets.json", data)
        return
    upd = targets_signed(cfg, "director/offline-updates", "offline-updates", targets, "director")
    upd_data = finish(cfg, "director/offline-updates", upd, [cfg.dkeys["offline-updates"]])
    if "director/offline-updates" not in cfg.omit:
        write(f"{ddir}/{cfg.lockbox}.json", upd_data)
    entry = fg.meta_entry(upd_data, cfg.versions["director/offline-updates"])
    entry.update(cfg.listing.get("director/offline-updates", {}))
    snap = fg.header("offline-snapshot", cfg.versions["director/offline-snapshot"],
                     cfg.exp("director/offline-snapshot"), cfg.dialect)
    snap["meta"] = {f"{cfg.lockbox}.json": entry}
    snap_data = finish(cfg, "director/offline-snapshot", snap, [cfg.dkeys["offline-snapshot"]])
    name = "offline-snapshot.json" if cfg.naming == "torizon" else "offline-update-snapshot.json"
    write(f"{ddir}/{name}", snap_data)


def delegations_block(cfg):
    keys = {}
    roles = []
    for role, _targets, dkeys in cfg.delegations:
        if not role.get("top", True):
            continue
        for k in dkeys:
            keys[k.keyid(cfg.dialect)] = k.metadata(cfg.dialect)
        r = {"name": role["name"], "keyids": [k.keyid(cfg.dialect) for k in dkeys],
             "threshold": role.get("threshold", 1), "paths": role.get("paths", ["*"]),
             "terminating": role.get("terminating", False)}
        roles.append(r)
    return {"keys": keys, "roles": roles}


def write_image(cfg, d):
    idir = f"{d}/image_repo" if cfg.layout == "online" else f"{d}/metadata/image-repo"
    for i, data in enumerate(root_chain(cfg, "image", cfg.iroots, cfg.iroot_thresholds)):
        write(f"{idir}/{i + 1}.root.json", data)
    targets = cfg.image_targets if cfg.image_targets is not None else cfg.targets
    meta = {}
    tsigned = targets_signed(cfg, "image/targets", "targets", targets, "image")
    if cfg.delegations:
        tsigned["delegations"] = delegations_block(cfg)
        for role, dtargets, dkeys in cfg.delegations:
            doc = f"image/deleg/{role['name']}"
            s = targets_signed(cfg, doc, "targets", dtargets, "image")
            if "delegations" in role:
                s["delegations"] = role["delegations"]
            data = finish(cfg, doc, s, dkeys)
            if doc not in cfg.omit and "/" not in role["name"]:
                write(f"{idir}/delegations/{role['name']}.json", data)
            if doc not in cfg.omit and role.get("listed", True):
                meta[f"{role['name']}.json"] = {"version": cfg.versions.get(doc, 1)}
    tdata = finish(cfg, "image/targets", tsigned, [cfg.ikeys["targets"]])
    write(f"{idir}/targets.json", tdata)
    meta["targets.json"] = {"version": cfg.versions["image/targets"]}
    meta["targets.json"].update(cfg.listing.get("image/targets", {}))
    if "image/targets" in cfg.listing.get("drop", []):
        del meta["targets.json"]
    snap = fg.header("snapshot", cfg.versions["image/snapshot"], cfg.exp("image/snapshot"),
                     cfg.dialect)
    snap["meta"] = meta
    sdata = finish(cfg, "image/snapshot", snap, [cfg.ikeys["snapshot"]])
    write(f"{idir}/snapshot.json", sdata)
    if cfg.image_timestamp:
        entry = fg.meta_entry(sdata, cfg.versions["image/snapshot"])
        entry.update(cfg.listing.get("image/snapshot", {}))
        ts = fg.header("timestamp", cfg.versions["image/timestamp"], cfg.exp("image/timestamp"),
                       cfg.dialect)
        ts["meta"] = {"snapshot.json": entry}
        write(f"{idir}/timestamp.json", finish(cfg, "image/timestamp", ts, [cfg.ikeys["timestamp"]]))
    pdir = f"{d}/image_repo" if cfg.layout == "online" else f"{d}/images"
    for t in targets:
        if "content" in t:
            write(f"{pdir}/{t['name']}", t.get("disk", t["content"]))


def write_step(cfg, d):
    write_director(cfg, d)
    write_image(cfg, d)
    for (repo, v), data in cfg.extra_roots.items():
        base = {"director": "director", "image": "image_repo"}[repo] if cfg.layout == "online" else \
            {"director": "metadata/director", "image": "metadata/image-repo"}[repo]
        write(f"{d}/{base}/{v}.root.json", data)


class Scenarios:
    def __init__(self, out):
        self.out = out
        self.names = []

    def add(self, name, description, steps, init=True, init_cfg=None):
        """steps: list of (Cfg, expectation dict, now or None)."""
        d = f"{self.out}/{name}"
        shutil.rmtree(d, ignore_errors=True)
        first = init_cfg or steps[0][0]
        scen = {"description": description, "hardware_id": HW, "ecu_serial": ECU,
                "init": None, "steps": []}
        if init:
            dchain = root_chain(first, "director", first.droots[:1], first.droot_thresholds[:1])
            ichain = root_chain(first, "image", first.iroots[:1], first.iroot_thresholds[:1])
            write(f"{d}/init/director-root.json", dchain[0])
            write(f"{d}/init/image-root.json", ichain[0])
            scen["init"] = {"director_root": "init/director-root.json",
                            "image_root": "init/image-root.json"}
        for i, (cfg, expect, now) in enumerate(steps):
            write_step(cfg, f"{d}/{i}")
            step = {"dir": str(i), "now": now or NOW}
            step.update(expect)
            scen["steps"].append(step)
        write(f"{d}/scenario.json", (json.dumps(scen, indent=2) + "\n").encode())
        self.names.append(name)


def ok(*targets):
    return {"ok": True, "targets": sorted(targets)}


def fail(*codes):
    return {"ok": False, "error": codes[0] if len(codes) == 1 else list(codes)}


# ---- mutations ----

def flip_sig(env):
    s = env["signatures"][0]["sig"]
    c = "B" if s[0] != "B" else "C"
    if all(ch in "0123456789abcdef" for ch in s):
        c = "0" if s[0] != "0" else "1"
    env["signatures"][0]["sig"] = c + s[1:]
    return env


def set_field(path, value):
    def f(signed):
        o = signed
        for p in path[:-1]:
            o = o[p]
        o[path[-1]] = value
        return signed
    return f


def bump(cfg, n):
    for k in cfg.versions:
        cfg.versions[k] += n
    return cfg


def nested(depth):
    v = {"leaf": True}
    for _ in range(depth):
        v = {"n": v}
    return v


def build(s):
    C = Cfg
    # ---- happy paths ----
    s.add("ok-online-tuf-ed25519", "online pair, TUF 1.0 dialect, Ed25519", [(C(), ok("image-a-1.0"), None)])
    s.add("ok-online-aktualizr-rsa", "online pair, aktualizr dialect, RSA-PSS and PEM keys",
          [(C(dialect="aktualizr", kind="rsa"), ok("image-a-1.0"), None)])
    s.add("ok-lockbox-aktualizr-ecdsa", "Torizon lockbox, aktualizr dialect, ECDSA P-256, no image timestamp",
          [(C(layout="lockbox", dialect="aktualizr", kind="ecdsa"), ok("image-a-1.0"), None)])
    s.add("ok-lockbox-tuf-rsa", "lockbox, TUF dialect, RSA",
          [(C(layout="lockbox", kind="rsa"), ok("image-a-1.0"), None)])
    s.add("ok-lockbox-pure2-naming", "lockbox with PURE-2's sample role and file names",
          [(C(layout="lockbox", naming="pure2"), ok("image-a-1.0"), None)])
    c1 = C()
    c2 = C()
    c2.droots = [c2.droots[0], dict(c2.droots[0], root=[Key("main-d-root2")]),
                 dict(c2.droots[0], root=[Key("main-d-root3")])]
    c2.droot_thresholds = [{}, {}, {}]
    s.add("ok-director-root-rotation", "director root 1 -> 2 -> 3 with a new root key each time",
          [(c1, ok("image-a-1.0"), None), (c2, ok("image-a-1.0"), None)])
    c2 = C()
    c2.iroots = [c2.iroots[0], dict(c2.iroots[0], root=[Key("main-i-root2")], targets=[Key("main-i-targets2")])]
    c2.iroot_thresholds = [{}, {}]
    c2.ikeys["targets"] = Key("main-i-targets2")
    s.add("ok-image-root-rotation", "image root 1 -> 2 rotating the root and targets keys",
          [(C(), ok("image-a-1.0"), None), (c2, ok("image-a-1.0"), None)])
    c = C()
    c.image_targets = []
    c.delegations = [({"name": "firmware", "paths": ["image-*"]}, c.targets, [Key("main-deleg")])]
    s.add("ok-delegated-target", "the image target is found through a delegated role", [(c, ok("image-a-1.0"), None)])
    s.add("ok-replay-same-bundle", "the same metadata twice: a no-op, not an error",
          [(C(layout="lockbox"), ok("image-a-1.0"), None), (C(layout="lockbox"), ok("image-a-1.0"), None)])
    c2 = C()
    c2.image_targets = c2.targets + [ostree_target("image-b-1.0", COMMIT_B)]
    s.add("ok-equal-version-changed-content",
          "image timestamp, snapshot and targets change content at the same version (accepted, as the Uptane vectors require)",
          [(C(), ok("image-a-1.0"), None), (c2, ok("image-a-1.0"), None)])
    c = C()
    c.targets = [binary_target("firmware-1.bin", b"firmware payload\n")]
    s.add("ok-binary-target-payload", "a binary target whose payload is checked", [(c, ok("firmware-1.bin"), None)])
    c = C()
    c.signers["director/targets"] = [c.dkeys["targets"], Key("stranger")]
    s.add("ok-extra-unknown-signature", "a valid signature plus one by an unknown key: threshold met",
          [(c, ok("image-a-1.0"), None)])
    c = C(layout="lockbox")
    c.targets = [ostree_target("image-z-1.0", COMMIT_A, hw="hw-beta")]
    s.add("ok-lockbox-nothing-for-us", "a lockbox for another hardware id: verified, nothing to install",
          [(c, ok(), None)])
    c = C()
    k2, k3 = Key("main-d-targets-b"), Key("main-d-targets-c")
    c.droots[0]["targets"] = [c.dkeys["targets"], k2, k3]
    c.droot_thresholds[0] = {"targets": 2}
    c.signers["director/targets"] = [c.dkeys["targets"], k3]
    s.add("ok-threshold-two-of-three", "director targets needs 2 of 3 keys and has 2", [(c, ok("image-a-1.0"), None)])

    # ---- forged and unsigned ----
    for doc, layout in (("director/targets", "online"), ("image/targets", "online"),
                        ("image/snapshot", "online"), ("image/timestamp", "online"),
                        ("director/offline-snapshot", "lockbox"),
                        ("director/offline-updates", "lockbox")):
        c = C(layout=layout, dialect="aktualizr" if "offline" in doc else "tuf")
        c.post[doc] = flip_sig
        s.add("forged-" + doc.replace("/", "-"), f"{doc} carries a corrupted signature",
              [(c, fail("signature"), None)])
    c = C()
    c.image_targets = []
    c.delegations = [({"name": "firmware", "paths": ["*"]}, c.targets, [Key("main-deleg")])]
    c.post["image/deleg/firmware"] = flip_sig
    s.add("forged-delegated-role", "a delegated role carries a corrupted signature", [(c, fail("signature"), None)])
    c = C()
    c.post["director/targets"] = lambda e: (e["signed"]["targets"]["image-a-1.0"]["hashes"].update(sha256=COMMIT_B), e)[1]
    s.add("tampered-director-targets", "director targets changed after signing (another commit)",
          [(c, fail("signature"), None)])
    c = C(dialect="aktualizr")
    c.post["image/targets"] = lambda e: (e["signed"]["targets"]["image-a-1.0"].update(length=4), e)[1]
    s.add("tampered-image-targets", "image targets changed after signing", [(c, fail("signature"), None)])
    c = C()
    c.post["image/timestamp"] = lambda e: dict(e, signatures=[])
    s.add("unsigned-image-timestamp", "image timestamp without signatures", [(c, fail("signature"), None)])

    # ---- roots ----
    legit = C()
    attacker = C(env="attacker")
    attacker.droots = [attacker.droots[0], dict(attacker.droots[0], root=[Key("attacker-d-root2")])]
    attacker.droot_thresholds = [{}, {}]
    s.add("attacker-root-on-medium", "the medium carries an attacker's self-signed roots 1 and 2",
          [(attacker, fail("unknown-key"), None)], init_cfg=legit)
    for name, signer in (("rotation-only-old-signature", "old"), ("rotation-only-new-signature", "new")):
        c = C()
        newk = Key("main-d-root2")
        c.droots = [c.droots[0], dict(c.droots[0], root=[newk])]
        c.droot_thresholds = [{}, {}]
        c.signers["director/root/2"] = [c.dkeys["root"]] if signer == "old" else [newk]
        s.add(name, f"director 2.root.json signed only by the {signer} root key",
              [(C(), ok("image-a-1.0"), None), (c, fail("unknown-key"), None)])
    c = C()
    c.droots = [c.droots[0], dict(c.droots[0])]
    c.droot_thresholds = [{}, {}]
    c.pre["director/root/2"] = set_field(["version"], 3)
    s.add("rotation-version-skip", "director 2.root.json states version 3",
          [(C(), ok("image-a-1.0"), None), (c, fail("root-rotation"), None)])
    c = C()
    n1, n2 = Key("main-d-root-n1"), Key("main-d-root-n2")
    c.droots = [c.droots[0], dict(c.droots[0], root=[c.dkeys["root"], n1, n2])]
    c.droot_thresholds = [{}, {"root": 2}]
    c.signers["director/root/2"] = [c.dkeys["root"]]
    s.add("rotation-threshold-unmet", "root 2 needs 2 of its 3 root keys and carries one",
          [(C(), ok("image-a-1.0"), None), (c, fail("signature"), None)])

    # ---- thresholds and key ids ----
    c = C()
    k = c.dkeys["targets"]
    alias = "00" * 32
    c.droot_thresholds[0] = {"targets": 2}
    c.pre["director/root/1"] = lambda sg: (sg["keys"].update({alias: k.metadata("tuf")}),
                                           sg["roles"]["targets"]["keyids"].append(alias), sg)[2]
    c.signers["director/targets"] = [k, k]
    c.keyids["director/targets"] = [k.keyid("tuf"), alias]
    s.add("same-key-two-keyids", "one public key under two key ids signs twice for threshold 2",
          [(c, fail("signature"), None)])
    c = C()
    c.post["director/targets"] = lambda e: dict(e, signatures=e["signatures"] * 2)
    s.add("duplicate-signature", "the same key id signs director targets twice", [(c, fail("duplicate-signature"), None)])
    c = C()
    c.signers["director/targets"] = [Key("stranger")]
    s.add("unknown-key-only", "director targets signed only by a key the root does not know",
          [(c, fail("unknown-key"), None)])
    c = C()
    c.droot_thresholds[0] = {"targets": 0}
    s.add("threshold-zero", "the director root gives targets a threshold of 0", [(c, fail("illegal-threshold"), None)])
    c = C(dialect="aktualizr")
    c.post["director/targets"] = lambda e: (e["signatures"][0].update(method="rsassa-pss-sha256"), e)[1]
    s.add("method-not-for-key", "an Ed25519 signature labelled rsassa-pss-sha256", [(c, fail("signature"), None)])
    other = C(env="other")
    s.add("other-environment", "metadata signed by another environment's keys (dev bundle on a prod device)",
          [(other, fail("unknown-key"), None)], init_cfg=C())

    # ---- _type swaps ----
    for name, doc, typ, layout in (("type-snapshot-as-timestamp", "image/timestamp", "snapshot", "online"),
                                   ("type-targets-as-snapshot", "image/snapshot", "targets", "online"),
                                   ("type-updates-as-offline-snapshot", "director/offline-snapshot",
                                    "offline-updates", "lockbox")):
        c = C(layout=layout, dialect="aktualizr")
        c.pre[doc] = set_field(["_type"], fg.type_name(typ, "aktualizr"))
        s.add(name, f"{doc} has _type {typ}", [(c, fail("type-mismatch"), None)])

    # ---- rollback ----
    def pair(name, desc, doc, layout="online", newer=2, older=1):
        a, b = C(layout=layout), C(layout=layout)
        for cfg, v in ((a, newer), (b, older)):
            cfg.versions[doc] = v
        if doc == "image/snapshot":
            b.versions["image/timestamp"] = 3
            a.versions["image/timestamp"] = 2
        if doc == "image/targets":
            a.versions["image/snapshot"] = a.versions["image/timestamp"] = 2
            b.versions["image/snapshot"] = b.versions["image/timestamp"] = 3
        s.add(name, desc, [(a, ok("image-a-1.0"), None), (b, fail("rollback"), None)])
    pair("rollback-image-timestamp", "image timestamp version 2, then 1", "image/timestamp")
    pair("rollback-image-snapshot", "image snapshot version 2, then 1 under a newer timestamp", "image/snapshot")
    pair("rollback-image-targets", "image targets version 2, then 1 under newer snapshots", "image/targets")
    pair("rollback-director-targets", "director targets version 2, then 1", "director/targets")
    pair("rollback-offline-snapshot", "a newer bundle, then an older one (replayed stick)",
         "director/offline-snapshot", layout="lockbox")

    # ---- mix and match, listings ----
    c = C()
    c.listing["image/targets"] = {"version": 2}
    s.add("mix-targets-version", "snapshot lists targets version 2, the file is version 1",
          [(c, fail("version-mismatch"), None)])
    c = C(layout="lockbox")
    c.listing["director/offline-updates"] = {"version": 2}
    s.add("mix-offline-updates-version", "offline-snapshot lists the lockbox at version 2, the file is version 1",
          [(c, fail("version-mismatch"), None)])
    c = C()
    c.listing["image/snapshot"] = {"hashes": {"sha256": "ab" * 32}}
    s.add("snapshot-hash-mismatch", "timestamp lists another snapshot hash", [(c, fail("hash-mismatch"), None)])
    c = C()
    c.listing["image/snapshot"] = {"length": 17}
    s.add("snapshot-length-mismatch", "timestamp lists another snapshot length", [(c, fail("hash-mismatch"), None)])
    c = C(layout="lockbox")
    c.listing["director/offline-updates"] = {"hashes": {"sha256": "cd" * 32}}
    s.add("offline-updates-hash-mismatch", "offline-snapshot lists another lockbox hash",
          [(c, fail("hash-mismatch"), None)])
    c = C()
    c.listing["drop"] = ["image/targets"]
    s.add("snapshot-without-targets", "image snapshot does not list targets.json", [(c, fail("version-mismatch"), None)])

    # ---- expiry ----
    c = C()
    c.root_expires = EXPIRED
    s.add("expired-director-root", "the roots expired", [(c, fail("expired"), None)])
    for doc, layout in (("image/timestamp", "online"), ("director/offline-snapshot", "lockbox"),
                        ("director/offline-updates", "lockbox"), ("director/targets", "online")):
        c = C(layout=layout)
        c.expires[doc] = EXPIRED
        s.add("expired-" + doc.replace("/", "-"), f"{doc} expired", [(c, fail("expired"), None)])
    c = C()
    c.image_targets = []
    c.delegations = [({"name": "firmware", "paths": ["*"]}, c.targets, [Key("main-deleg")])]
    c.expires["image/deleg/firmware"] = EXPIRED
    s.add("expired-delegated-role", "the only role listing the target expired: the target is not trusted",
          [(c, fail("target-mismatch"), None)])
    a, b = C(), bump(C(), 1)
    for doc in ("director/targets", "image/timestamp", "image/snapshot", "image/targets"):
        b.expires[doc] = "2026-06-01T00:00:00Z"
    s.add("expired-wound-back-clock",
          "after a success at 2027, metadata that expired in 2026 is refused even with the clock at 2025",
          [(a, ok("image-a-1.0"), "2027-01-01T00:00:00Z"), (b, fail("expired"), "2025-01-01T00:00:00Z")])

    # ---- director rules ----
    c = C()
    c.director_targets = [ostree_target("image-a-1.0", COMMIT_A, ecu="ecu-9999")]
    s.add("unknown-ecu", "director addresses an ECU serial this device does not have", [(c, fail("unknown-ecu"), None)])
    c = C()
    c.director_targets = [ostree_target("image-a-1.0", COMMIT_A, hw="hw-beta")]
    s.add("wrong-hardware-id", "director gives our ECU another hardware id", [(c, fail("hardware-id"), None)])
    c = C()
    c.targets = [ostree_target("image-a-1.0", COMMIT_A), ostree_target("image-b-1.0", COMMIT_B)]
    s.add("repeated-ecu", "director gives our ECU two targets", [(c, fail("repeated-ecu"), None)])
    c = C(layout="lockbox")
    c.targets = [ostree_target("image-a-1.0", COMMIT_A), ostree_target("image-b-1.0", COMMIT_B)]
    s.add("lockbox-two-targets-one-ecu", "a lockbox offers our hardware id two images", [(c, fail("repeated-ecu"), None)])
    c = C()
    c.pre["director/targets"] = lambda sg: dict(sg, delegations={"keys": {}, "roles": []})
    s.add("director-delegations", "director targets carry delegations", [(c, fail("director-delegation"), None)])

    # ---- director/image match ----
    for name, change in (("image-hash-differs", {"sha256": COMMIT_B}), ("image-length-differs", {"length": 7}),
                         ("image-hardware-differs", {"hw": "hw-beta"})):
        c = C()
        c.image_targets = [dict(c.targets[0], **change)]
        s.add(name, f"image repository entry differs from the director's ({name})", [(c, fail("target-mismatch"), None)])
    c = C()
    c.image_targets = []
    s.add("target-absent-from-image", "the image repository does not list the director's target",
          [(c, fail("target-mismatch"), None)])
    c = C(layout="lockbox")
    c.targets = [binary_target("firmware-1.bin", b"firmware payload\n")]
    c.targets[0]["disk"] = b"firmware payload, longer than stated\n"
    s.add("payload-too-long", "the payload on the medium is longer than its metadata states",
          [(c, fail("target-length"), None)])
    c = C()
    c.targets = [binary_target("firmware-1.bin", b"firmware payload\n")]
    c.targets[0]["disk"] = b"firmware PAYLOAD\n"
    s.add("payload-hash-differs", "the payload on the medium does not match its hash", [(c, fail("target-hash"), None)])

    # ---- delegations ----
    c = C()
    c.image_targets = []
    c.delegations = [({"name": "firmware", "paths": ["other-*"]}, c.targets, [Key("main-deleg")])]
    s.add("delegation-path-mismatch", "the delegated role's paths do not cover the target",
          [(c, fail("target-mismatch"), None)])
    c = C()
    c.image_targets = []
    bad = [dict(c.targets[0], sha256=COMMIT_B)]
    c.delegations = [({"name": "first", "paths": ["image-*"], "terminating": True}, [], [Key("main-deleg")]),
                     ({"name": "second", "paths": ["image-*"]}, c.targets, [Key("main-deleg2")])]
    s.add("terminating-delegation", "a terminating role that lacks the target hides a later role that has it",
          [(c, fail("target-mismatch"), None)])
    del bad
    c = C()
    c.image_targets = []
    dk = Key("main-deleg")
    chain = []
    for i in range(34):
        role = {"name": f"r{i}", "paths": ["*"], "top": i == 0}
        if i < 33:
            role["delegations"] = {"keys": {dk.keyid("tuf"): dk.metadata("tuf")},
                                   "roles": [{"name": f"r{i + 1}", "keyids": [dk.keyid("tuf")], "threshold": 1,
                                              "paths": ["*"], "terminating": False}]}
        chain.append((role, c.targets if i == 33 else [], [dk]))
    c.delegations = chain
    s.add("delegation-too-deep", "the target sits 34 delegations deep (more than 32 roles searched)",
          [(c, fail("delegation"), None)])
    c = C()
    c.image_targets = []
    c.delegations = [({"name": "firmware", "paths": ["*"]}, c.targets, [Key("main-deleg")])]
    c.omit.add("image/deleg/firmware")
    c.listing_keep = True
    s.add("delegation-missing", "a delegated role is listed but its file is absent",
          [(c, fail("delegation-missing"), None)])
    c = C()
    c.image_targets = []
    c.delegations = [({"name": "../evil", "paths": ["*"], "listed": False}, c.targets, [Key("main-deleg")])]
    s.add("delegation-name-traversal", "a delegated role named ../evil", [(c, fail("format"), None)])

    # ---- malformed ----
    c = C()
    c.pre["director/targets"] = lambda sg: (sg["targets"]["image-a-1.0"]["custom"].update(pad="x" * 70000), sg)[1]
    s.add("director-targets-too-large", "director targets over 64 KiB", [(c, fail("too-large"), None)])
    c = C()
    c.raw["director/targets"] = lambda b: b.replace(b'"version": 1\n', b'"version": 1,\n', 1)
    s.add("malformed-trailing-comma", "director targets with a trailing comma", [(c, fail("format"), None)])
    c = C()
    c.raw["director/targets"] = lambda b: b.replace(b'"version": 1\n', b'"version": 1, "version": 2\n', 1)
    s.add("duplicate-json-key", "a duplicate 'version' inside signed", [(c, fail("format"), None)])
    c = C()
    c.raw["image/timestamp"] = lambda b: b.replace(b'"version": 1\n  }', b'"version": 1.0\n  }', 1)
    s.add("float-version", "timestamp version written as 1.0", [(c, fail("format"), None)])
    c = C()
    c.pre["director/root/1"] = set_field(["roles", "targets", "threshold"], "1")
    s.add("threshold-as-string", "a threshold written as a string", [(c, fail("format"), None)])
    c = C()
    c.pre["image/timestamp"] = set_field(["expires"], "2030-01-01 00:00:00")
    s.add("expiry-bad-format", "an expiry not of the form YYYY-MM-DDTHH:MM:SSZ", [(c, fail("format"), None)])
    c = C()
    c.pre["director/targets"] = lambda sg: (sg["targets"]["image-a-1.0"]["custom"].update(deep=nested(40)), sg)[1]
    s.add("deep-nesting", "JSON nested 40 levels inside custom", [(c, fail("too-large"), None)])
    s.add("not-provisioned", "no provisioned roots: a root on the medium is never trusted on first use",
          [(C(), fail("not-provisioned"), None)], init=False)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen-scenarios.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    s = Scenarios(out)
    build(s)
    print(f"wrote {len(s.names)} scenarios to {out}")


if __name__ == "__main__":
    main()
