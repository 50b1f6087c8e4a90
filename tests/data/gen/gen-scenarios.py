#!/usr/bin/python3
"""Writes ferry's attack and happy-path scenarios: gen-scenarios.py OUTDIR

Each OUTDIR/<case>/scenario.json says what a device (hardware id, ECU serial,
provisioned roots) must conclude at each step; each step directory holds the
metadata in the online layout (director/, image_repo/) or the lockbox layout
(metadata/director/, metadata/image-repo/, images/). See README.md here.

Deterministic: running it twice gives byte-identical trees.
"""
import hashlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ferrygen as fg  # noqa: E402
from ferrygen import EXPIRED, NOW, VALID, key  # noqa: E402

HW = "hw-alpha"
ECU = "ecu-0001"
COMMIT_A = hashlib.sha256(b"ostree commit a").hexdigest()
COMMIT_B = hashlib.sha256(b"ostree commit b").hexdigest()
LATER = "2027-01-01T00:00:00Z"


def ostree(name, commit, hw=HW, ecu=ECU):
    return {"name": name, "length": 0, "sha256": commit, "hw": hw, "ecu": ecu,
            "format": "OSTREE"}


def binary(name, content, hw=HW, ecu=ECU):
    return {"name": name, "length": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "hw": hw, "ecu": ecu, "format": "BINARY", "content": content}


TARGET_A = ostree("image-a-1.0", COMMIT_A)
TARGET_B = ostree("image-b-1.0", COMMIT_B)


class Cfg:
    """Everything one step directory is made of; each case changes fields.

    Documents are named "director/root/N", "director/targets",
    "director/offline-snapshot", "director/offline-updates", "image/root/N",
    "image/timestamp", "image/snapshot", "image/targets", "image/deleg/NAME".
    Hooks per document: pre (signed -> signed, before signing), post
    (envelope -> envelope, after signing), raw (bytes -> bytes, after
    serialising); signers and keyids override who signs; listing merges into
    the entry that lists the document (listing["image/targets"] with
    "with_hashes" also gives length and sha256); unlisted drops that entry;
    omit skips writing the file."""

    def __init__(self, env="main", layout="online", dialect="tuf", kind="ed25519",
                 naming="torizon"):
        self.env = env
        self.kind = kind
        self.layout = layout
        self.dialect = dialect
        self.naming = naming
        self.lockbox = "bundle-1"
        self.dk = {r: key(f"{env}-d-{r}", kind) for r in
                   ("root", "targets", "snapshot", "timestamp", "osnap", "oupd")}
        self.ik = {r: key(f"{env}-i-{r}", kind) for r in ("root", "timestamp", "snapshot", "targets")}
        self.droots = [self.director_roles(self.dk["root"])]
        self.iroots = [{r: [k] for r, k in self.ik.items()}]
        self.droot_thresholds = [{}]
        self.iroot_thresholds = [{}]
        self.targets = [TARGET_A]
        self.director_targets = None  # default: self.targets
        self.image_targets = None  # default: self.targets
        self.versions = {}
        self.expires = {}
        self.default_expires = VALID
        self.delegs = []  # dicts: name, keys, paths, threshold, terminating, targets, parent
        self.image_timestamp = layout == "online"
        self.pre, self.post, self.raw = {}, {}, {}
        self.signers, self.keyids, self.listing = {}, {}, {}
        self.unlisted, self.omit = set(), set()
        self.extra_osnap_meta = {}  # more lockboxes listed in offline-snapshot
        self.extra_files = {}  # step-relative path -> bytes
        self.canonical_sha256 = {}  # doc -> sha256 of its canonical form, as written

    # role and file names of the offline roles in the two spellings
    @property
    def osnap_role(self):
        return "offline-snapshot" if self.naming == "torizon" else "offline-update-snapshot"

    @property
    def oupd_role(self):
        return "offline-updates" if self.naming == "torizon" else "offline-update-targets"

    @property
    def oupd_kind(self):
        return "offline-updates" if self.naming == "torizon" else "offline-targets"

    @property
    def osnap_file(self):
        return "offline-snapshot.json" if self.naming == "torizon" else "offline-update-snapshot.json"

    def director_roles(self, root_key):
        roles = {"root": [root_key], "targets": [self.dk["targets"]]}
        if self.layout == "lockbox":
            roles["snapshot"] = [self.dk["snapshot"]]
            roles["timestamp"] = [self.dk["timestamp"]]
            roles[self.osnap_role] = [self.dk["osnap"]]
            roles[self.oupd_role] = [self.dk["oupd"]]
        return roles

    def ver(self, doc):
        return self.versions.get(doc, 1)

    def exp(self, doc):
        return self.expires.get(doc, self.default_expires)

    def bump(self, n=1, docs=None):
        for doc in docs or ("director/targets", "director/offline-snapshot",
                            "director/offline-updates", "image/timestamp", "image/snapshot",
                            "image/targets"):
            self.versions[doc] = self.ver(doc) + n
        return self

    @property
    def ddir(self):
        return "director" if self.layout == "online" else "metadata/director"

    @property
    def idir(self):
        return "image_repo" if self.layout == "online" else "metadata/image-repo"


def finish(cfg, doc, signed, default_signers):
    """The file bytes of @doc, with its hooks applied."""
    if doc in cfg.pre:
        signed = cfg.pre[doc](signed)
    env = fg.sign(signed, cfg.signers.get(doc, default_signers), cfg.dialect, cfg.keyids.get(doc))
    if doc in cfg.post:
        env = cfg.post[doc](env)
    cfg.canonical_sha256[doc] = hashlib.sha256(fg.canonical(env, cfg.dialect)).hexdigest()
    data = fg.raw_bytes(env)
    if doc in cfg.raw:
        data = cfg.raw[doc](data)
    return data


def root_chain(cfg, repo, upto=None):
    """The bytes of roots 1..N: each signed by the root keys of the previous
    version and its own."""
    chain = cfg.droots if repo == "director" else cfg.iroots
    thresholds = cfg.droot_thresholds if repo == "director" else cfg.iroot_thresholds
    out = []
    for i, roles in enumerate(chain[:upto]):
        doc = f"{repo}/root/{i + 1}"
        signed = fg.root_signed(roles, i + 1, cfg.exp(doc), cfg.dialect,
                                thresholds[i] if i < len(thresholds) else {})
        signers = list(roles["root"])
        if i > 0:
            signers = [k for k in chain[i - 1]["root"] if k not in signers] + signers
        out.append(finish(cfg, doc, signed, signers))
    return out


def target_entry(t, director_online):
    e = {"hashes": {"sha256": t["sha256"]}, "length": t["length"]}
    if director_online:
        e["custom"] = {"ecuIdentifiers": {t["ecu"]: {"hardwareId": t["hw"]}}}
    else:
        name, version = t["name"].rsplit("-", 1)
        hws = t["hw"] if isinstance(t["hw"], list) else [t["hw"]]
        e["custom"] = {"hardwareIds": hws, "name": name, "targetFormat": t["format"],
                       "version": version}
    e["custom"].update(t.get("custom", {}))
    return e


def targets_signed(cfg, doc, kind, targets, director_online=False):
    s = fg.header(kind, cfg.ver(doc), cfg.exp(doc), cfg.dialect)
    s["targets"] = {t["name"]: target_entry(t, director_online) for t in targets}
    return s


def listed(cfg, doc, entry):
    entry.update(cfg.listing.get(doc, {}))
    return entry


def write_director(cfg, d):
    ddir = f"{d}/{cfg.ddir}"
    for i, data in enumerate(root_chain(cfg, "director")):
        fg.write(f"{ddir}/{i + 1}.root.json", data)
    targets = cfg.director_targets if cfg.director_targets is not None else cfg.targets
    if cfg.layout == "online":
        doc = "director/targets"
        data = finish(cfg, doc, targets_signed(cfg, doc, "targets", targets, True),
                      [cfg.dk["targets"]])
        if doc not in cfg.omit:
            fg.write(f"{ddir}/targets.json", data)
        return
    doc = "director/offline-updates"
    upd = finish(cfg, doc, targets_signed(cfg, doc, cfg.oupd_kind, targets), [cfg.dk["oupd"]])
    if doc not in cfg.omit:
        fg.write(f"{ddir}/{cfg.lockbox}.json", upd)
    meta = dict(cfg.extra_osnap_meta)
    if doc not in cfg.unlisted:
        meta[f"{cfg.lockbox}.json"] = listed(cfg, doc, fg.meta_entry(upd, cfg.ver(doc)))
    doc = "director/offline-snapshot"
    snap = fg.header("offline-snapshot", cfg.ver(doc), cfg.exp(doc), cfg.dialect)
    snap["meta"] = meta
    fg.write(f"{ddir}/{cfg.osnap_file}", finish(cfg, doc, snap, [cfg.dk["osnap"]]))


def write_delegs(cfg, idir, parent, meta):
    """Writes the roles delegated by @parent (None: top-level targets) and
    their own delegations, listing each in @meta; returns the block."""
    mine = [r for r in cfg.delegs if r.get("parent") == parent]
    if not mine:
        return None
    for r in mine:
        doc = f"image/deleg/{r['name']}"
        s = targets_signed(cfg, doc, "targets", r.get("targets", []))
        block = write_delegs(cfg, idir, r["name"], meta)
        if block is not None:
            s["delegations"] = block
        data = finish(cfg, doc, s, r.get("signers", r["keys"]))
        if doc not in cfg.omit:
            fg.write(f"{idir}/delegations/{r['name']}.json", data)
        if doc not in cfg.unlisted:
            meta[f"{r['name']}.json"] = listed(cfg, doc, {"version": cfg.ver(doc)})
    return fg.delegations(mine, cfg.dialect)


def write_image(cfg, d):
    idir = f"{d}/{cfg.idir}"
    for i, data in enumerate(root_chain(cfg, "image")):
        fg.write(f"{idir}/{i + 1}.root.json", data)
    targets = cfg.image_targets if cfg.image_targets is not None else cfg.targets
    meta = {}
    doc = "image/targets"
    tsigned = targets_signed(cfg, doc, "targets", targets)
    block = write_delegs(cfg, idir, None, meta)
    if block is not None:
        tsigned["delegations"] = block
    tdata = finish(cfg, doc, tsigned, [cfg.ik["targets"]])
    fg.write(f"{idir}/targets.json", tdata)
    if doc not in cfg.unlisted:
        entry = {"version": cfg.ver(doc)}
        if cfg.listing.get(doc, {}).get("with_hashes"):
            entry = fg.meta_entry(tdata, cfg.ver(doc))
        meta["targets.json"] = listed(cfg, doc, entry)
        meta["targets.json"].pop("with_hashes", None)
    doc = "image/snapshot"
    snap = fg.header("snapshot", cfg.ver(doc), cfg.exp(doc), cfg.dialect)
    snap["meta"] = meta
    sdata = finish(cfg, doc, snap, [cfg.ik["snapshot"]])
    fg.write(f"{idir}/snapshot.json", sdata)
    if cfg.image_timestamp:
        entry = listed(cfg, doc, fg.meta_entry(sdata, cfg.ver(doc)))
        doc = "image/timestamp"
        ts = fg.header("timestamp", cfg.ver(doc), cfg.exp(doc), cfg.dialect)
        ts["meta"] = {"snapshot.json": entry}
        fg.write(f"{idir}/timestamp.json", finish(cfg, doc, ts, [cfg.ik["timestamp"]]))
    pdir = f"{d}/image_repo" if cfg.layout == "online" else f"{d}/images"
    for t in targets:
        if "content" in t:
            fg.write(f"{pdir}/{t['name']}", t.get("disk", t["content"]))


def write_step(cfg, d):
    write_director(cfg, d)
    write_image(cfg, d)
    for rel, data in cfg.extra_files.items():
        fg.write(f"{d}/{rel}", data)


class Scenarios:
    def __init__(self, out):
        self.out = out
        self.cases = []

    def add(self, name, description, steps, init=True, init_cfg=None):
        """@steps: list of (Cfg, expectation, now or None). The provisioned
        roots are version 1 of @init_cfg (default: the first step's)."""
        if name in (c[0] for c in self.cases):
            raise ValueError(f"duplicate case {name}")
        d = f"{self.out}/{name}"
        shutil.rmtree(d, ignore_errors=True)
        first = init_cfg or steps[0][0]
        scen = {"description": description, "hardware_id": HW, "ecu_serial": ECU,
                "init": None, "steps": []}
        if init:
            fg.write(f"{d}/init/director-root.json", root_chain(first, "director", 1)[0])
            fg.write(f"{d}/init/image-root.json", root_chain(first, "image", 1)[0])
            scen["init"] = {"director_root": "init/director-root.json",
                            "image_root": "init/image-root.json"}
        for i, (cfg, expect, now) in enumerate(steps):
            write_step(cfg, f"{d}/{i}")
            step = {"dir": str(i), "now": now or NOW}
            step.update(expect)
            scen["steps"].append(step)
        fg.write(f"{d}/scenario.json", (json.dumps(scen, indent=2) + "\n").encode())
        self.cases.append((name, [s.get("error", "ok") for s in scen["steps"]]))


def ok(*targets):
    return {"ok": True, "targets": sorted(targets)}


def fail(*codes):
    return {"ok": False, "error": codes[0] if len(codes) == 1 else list(codes)}


def nested(depth):
    v = {"leaf": True}
    for _ in range(depth):
        v = {"n": v}
    return v


def rotate(cfg, repo, *root_keys, **changes):
    """Appends root versions: one per root key, other roles as @changes say."""
    chain = cfg.droots if repo == "director" else cfg.iroots
    thresholds = cfg.droot_thresholds if repo == "director" else cfg.iroot_thresholds
    for k in root_keys:
        roles = dict(chain[-1], root=[k])
        roles.update({r: ks for r, ks in changes.items()})
        chain.append(roles)
        thresholds.append({})
    return cfg


def deleg(name, keys, targets=(), paths=("*",), parent=None, **kw):
    r = {"name": name, "keys": list(keys), "targets": list(targets), "paths": list(paths),
         "parent": parent}
    r.update(kw)
    return r


# ------------------------------------------------------------------ cases ----

def happy(s):
    C = Cfg
    A = "image-a-1.0"
    s.add("ok-online-tuf-ed25519", "online pair, TUF 1.0 dialect, Ed25519: accepted",
          [(C(), ok(A), None)])
    s.add("ok-online-tuf-ecdsa", "online pair, TUF 1.0 dialect, ECDSA P-256: accepted",
          [(C(kind="ecdsa"), ok(A), None)])
    s.add("ok-online-aktualizr-ed25519",
          "online pair, aktualizr dialect (key ids = sha256 of the JSON string), Ed25519: accepted",
          [(C(dialect="aktualizr"), ok(A), None)])
    s.add("ok-online-aktualizr-rsa",
          "online pair, aktualizr dialect, RSA-3072 PSS with PEM keys (escaped newlines in canonical form): accepted",
          [(C(dialect="aktualizr", kind="rsa"), ok(A), None)])
    s.add("ok-lockbox-aktualizr-ecdsa",
          "Torizon lockbox (offline-snapshot/offline-updates), aktualizr dialect, ECDSA P-256, no image timestamp: accepted",
          [(C(layout="lockbox", dialect="aktualizr", kind="ecdsa"), ok(A), None)])
    s.add("ok-lockbox-tuf-rsa",
          "Torizon lockbox, TUF dialect, RSA (PEM newlines raw in OLPC canonical JSON): accepted",
          [(C(layout="lockbox", kind="rsa"), ok(A), None)])
    s.add("ok-lockbox-pure2-naming",
          "lockbox with PURE-2's names (offline-update-snapshot/-targets, Offline-Targets, offline-update-snapshot.json): accepted",
          [(C(layout="lockbox", dialect="aktualizr", naming="pure2"), ok(A), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.image_timestamp = True
    s.add("ok-lockbox-with-image-timestamp", "lockbox whose image repository also has a timestamp: accepted",
          [(c, ok(A), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.extra_osnap_meta = {"a-absent-lockbox.json": {"version": 1, "length": 100,
                                                    "hashes": {"sha256": "00" * 32}}}
    s.add("ok-lockbox-other-lockbox-absent",
          "offline-snapshot lists a second lockbox (first in sorted order) that is not on the medium, as Torizon's fixture: accepted",
          [(c, ok(A), None)])

    c2 = rotate(C(), "director", key("main-d-root2"), key("main-d-root3"))
    s.add("ok-director-root-rotation", "director root 1 -> 2 -> 3 with a new root key each time: accepted",
          [(C(), ok(A), None), (c2, ok(A), None)])
    c2 = rotate(C(dialect="aktualizr"), "image", key("main-i-root2"), targets=[key("main-i-targets2")])
    c2.ik["targets"] = key("main-i-targets2")
    s.add("ok-image-root-rotation",
          "image root 1 -> 2 rotating the root and targets keys; targets signed by the new key: accepted",
          [(C(dialect="aktualizr"), ok(A), None), (c2, ok(A), None)])
    c = rotate(C(), "director", key("main-d-root2"), key("main-d-root3"))
    c.expires["director/root/2"] = EXPIRED
    s.add("ok-rotation-expired-intermediate",
          "director roots 1, 2 (expired), 3 (valid): only the final root's expiry counts: accepted",
          [(c, ok(A), None)])
    c = rotate(C(), "director", key("main-d-root2"))
    c.expires["director/root/1"] = EXPIRED
    s.add("ok-provisioned-root-expired-rotated",
          "the provisioned director root has expired, the medium rotates to a valid root 2: accepted",
          [(c, ok(A), None)])

    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets, ["image-*"])]
    s.add("ok-delegated-target", "the image target is found only through the delegated role 'firmware': accepted",
          [(c, ok(A), None)])
    c = C(dialect="aktualizr")
    c.image_targets = []
    c.delegs = [deleg("team", [key("main-deleg")], [], ["image-*"]),
                deleg("release", [key("main-deleg2")], c.targets, ["image-a-*"], parent="team")]
    s.add("ok-nested-delegation", "the target is found through team -> release (nested delegation): accepted",
          [(c, ok(A), None)])
    c = C(dialect="aktualizr")
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg"), key("main-deleg2")], c.targets, threshold=2)]
    s.add("ok-delegation-two-of-two", "a delegated role needing 2 of 2 keys, signed by both: accepted",
          [(c, ok(A), None)])
    c = C()
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets)]
    c.post["image/deleg/firmware"] = fg.drop_sigs
    s.add("ok-delegation-not-needed",
          "top-level targets lists the target; an unsigned delegated role is never needed (Uptane delegation_redundant): accepted",
          [(c, ok(A), None)])

    s.add("ok-replay-same-bundle", "the same lockbox twice: the second time is a no-op, not an error",
          [(C(layout="lockbox"), ok(A), None), (C(layout="lockbox"), ok(A), None)])
    c2 = C()
    c2.image_targets = c2.targets + [TARGET_B]
    s.add("ok-equal-version-changed-content",
          "image timestamp, snapshot and targets change content at the same version 1: accepted (Uptane vectors require it)",
          [(C(), ok(A), None), (c2, ok(A), None)])
    c2 = C(layout="lockbox", dialect="aktualizr")
    c2.targets = [TARGET_A, ostree("image-z-1.0", COMMIT_B, hw="hw-beta")]
    s.add("ok-equal-version-lockbox-changed-content",
          "a re-signed lockbox with the same offline-snapshot/offline-updates versions and more content: accepted",
          [(C(layout="lockbox", dialect="aktualizr"), ok(A), None), (c2, ok(A), None)])
    c = C()
    c.targets = [binary("firmware-1.0", b"firmware payload\n")]
    s.add("ok-binary-target-payload", "a binary target whose payload matches: accepted",
          [(c, ok("firmware-1.0"), None)])
    c = C()
    c.signers["director/targets"] = [c.dk["targets"], key("stranger")]
    s.add("ok-extra-unknown-signature",
          "a valid signature plus one by a key the root does not know: threshold met, accepted",
          [(c, ok(A), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.targets = [ostree("image-z-1.0", COMMIT_A, hw="hw-beta")]
    s.add("ok-lockbox-nothing-for-us",
          "a lockbox whose only target is for hardware id hw-beta: verified, nothing to install",
          [(c, ok(), None)])
    c = C()
    c.droots[0]["targets"] = [c.dk["targets"], key("main-d-targets-b"), key("main-d-targets-c")]
    c.droot_thresholds[0] = {"targets": 2}
    c.signers["director/targets"] = [c.dk["targets"], key("main-d-targets-c")]
    s.add("ok-threshold-two-of-three", "director targets needs 2 of 3 keys and has 2: accepted",
          [(c, ok(A), None)])
    c = C(dialect="aktualizr")
    rename_keyid(c, "director", c.dk["targets"], "director/targets", "my-targets-key")
    rename_keyid(c, "image", c.ik["snapshot"], "image/snapshot", "ABCDEF0123456789" * 4)
    s.add("ok-arbitrary-keyids",
          "key ids that follow no hashing convention ('my-targets-key', upper-case hex): looked up, never recomputed: accepted",
          [(c, ok(A), None)])
    c = C()
    c.listing["image/targets"] = {"with_hashes": True}
    s.add("ok-snapshot-lists-targets-hashes",
          "snapshot lists targets.json with length and sha256 of its bytes: accepted",
          [(c, ok(A), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.targets = [ostree("image-a-1.0", COMMIT_A, hw=["hw-beta", HW])]
    s.add("ok-lockbox-multi-hardware-ids", "the lockbox target lists hardware ids [hw-beta, hw-alpha]: ours is among them",
          [(c, ok(A), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.listing["director/offline-updates"] = {"hashes": {"sha256": "CANONICAL"}}
    c.pre["director/offline-snapshot"] = canonical_hash(c, "director/offline-updates")
    s.add("ok-lockbox-hash-of-canonical-form",
          "offline-snapshot gives the sha256 of the lockbox's canonical form, not of its bytes, as Torizon's real data does: accepted",
          [(c, ok(A), None)])
    c = C(dialect="aktualizr")
    c.listing["image/snapshot"] = {"hashes": {"sha256": "CANONICAL"}}
    c.pre["image/timestamp"] = canonical_hash(c, "image/snapshot")
    s.add("ok-timestamp-hash-of-canonical-form",
          "timestamp gives the sha256 of snapshot's canonical form (length of the file), as the Uptane vectors do: accepted",
          [(c, ok(A), None)])
    for dialect in ("tuf", "aktualizr"):
        c = C(dialect=dialect, kind="ecdsa" if dialect == "tuf" else "rsa")
        c.targets = [dict(TARGET_A, custom={"note": "Gr\u00fc\u00dfe \u2713 \"quoted\" back\\slash tab\tnl\n"})]
        s.add(f"ok-unicode-custom-{dialect}",
              f"{dialect} dialect: image targets custom has non-ASCII, quotes, backslash, tab and newline (escaped in the file): accepted",
              [(c, ok(A), None)])
    c = C()
    c.default_expires = "2100-01-01T00:00:00Z"
    s.add("ok-expires-2100", "every document expires in 2100 (past 32-bit time_t): accepted",
          [(c, ok(A), None)])
    c = C()

    def extra_root_fields(sg):
        for k in sg["keys"].values():
            k["keyid_hash_algorithms"] = ["sha256", "sha512"]
        sg["x-ferry-extra"] = {"note": "unknown fields are signed and ignored"}
        return sg
    for doc in ("director/root/1", "image/root/1"):
        c.pre[doc] = extra_root_fields
    c.pre["image/snapshot"] = lambda sg: dict(sg, **{"x-ferry-extra": [1, 2, 3]})
    s.add("ok-tuf-extra-fields",
          "TUF dialect with older python-tuf's keyid_hash_algorithms in root keys and unknown fields in signed: accepted",
          [(c, ok(A), None)])
    s.add("ok-clock-wound-back-valid",
          "accepted at 2027, then the same metadata (valid until 2030) with the clock at 2025: accepted",
          [(C(), ok(A), LATER), (C(), ok(A), None)])


def canonical_hash(cfg, doc):
    """A pre hook for the listing document: the sha256 of @doc becomes that
    of its canonical form (the file is pretty-printed, so they differ)."""
    def f(signed):
        for entry in signed["meta"].values():
            if entry.get("hashes", {}).get("sha256") == "CANONICAL":
                entry["hashes"]["sha256"] = cfg.canonical_sha256[doc]
        return signed
    return f


def rename_keyid(cfg, repo, k, doc, new_id):
    """Lists @k under @new_id in every root of @repo and signs @doc with it."""
    old = k.keyid(cfg.dialect)

    def f(signed):
        signed["keys"][new_id] = signed["keys"].pop(old)
        for r in signed["roles"].values():
            r["keyids"] = [new_id if x == old else x for x in r["keyids"]]
        return signed
    for v in range(len(cfg.droots if repo == "director" else cfg.iroots)):
        cfg.pre[f"{repo}/root/{v + 1}"] = f
    cfg.keyids[doc] = [new_id]


def signatures(s):
    C = Cfg
    for doc, cfg, what in (
            ("director/targets", C(), "director targets (TUF, Ed25519)"),
            ("image/targets", C(dialect="aktualizr", kind="rsa"), "image targets (aktualizr, RSA)"),
            ("image/snapshot", C(), "image snapshot"),
            ("image/timestamp", C(kind="ecdsa"), "image timestamp (ECDSA)"),
            ("director/offline-snapshot", C(layout="lockbox", dialect="aktualizr", kind="ecdsa"),
             "offline-snapshot (ECDSA)"),
            ("director/offline-updates", C(layout="lockbox", dialect="aktualizr"), "offline-updates")):
        cfg.post[doc] = fg.flip_sig
        s.add("forged-" + doc.split("/")[1] if doc.startswith("director/offline") else
              "forged-" + doc.replace("/", "-"),
              f"{what} carries a corrupted signature by the right key: threshold unmet",
              [(cfg, fail("signature"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets)]
    c.post["image/deleg/firmware"] = fg.flip_sig
    s.add("forged-delegated-role", "the delegated role carries a corrupted signature",
          [(c, fail("signature"), None)])
    c = rotate(C(), "director", key("main-d-root"), targets=[key("main-d-targets2")])
    c.dk["targets"] = key("main-d-targets2")
    c.post["director/root/2"] = fg.flip_sig
    s.add("forged-director-root-rotation",
          "2.root.json (same root key, new targets key) carries a corrupted signature by the root key",
          [(C(), ok("image-a-1.0"), None), (c, fail("signature"), None)])
    c = rotate(C(), "director", key("main-d-root2"))
    c.post["director/root/2"] = lambda e: fg.flip_sig(e, 1)
    # the old key's valid signature is by a key id that root 2 does not list,
    # so "a signature by an unauthorised key id, threshold unmet" holds too
    s.add("forged-director-root-rotation-new-key",
          "2.root.json: the new root key's signature is corrupted, the old key's is valid",
          [(C(), ok("image-a-1.0"), None), (c, fail("signature", "unknown-key"), None)])

    c = C()
    c.post["director/targets"] = fg.tamper(["targets", "image-a-1.0", "hashes", "sha256"], COMMIT_B)
    s.add("tampered-director-targets", "director targets re-pointed to another commit after signing",
          [(c, fail("signature"), None)])
    c = C(dialect="aktualizr")
    c.post["image/targets"] = fg.tamper(["targets", "image-a-1.0", "length"], 4)
    s.add("tampered-image-targets", "image targets changed after signing", [(c, fail("signature"), None)])
    c = C(layout="lockbox", dialect="aktualizr", kind="rsa")
    c.post["director/offline-updates"] = fg.tamper(["targets", "image-a-1.0", "hashes", "sha256"],
                                                   COMMIT_B)
    s.add("tampered-offline-updates", "lockbox (RSA) re-pointed to another commit after signing",
          [(c, fail("signature"), None)])
    c = rotate(C(), "director", key("main-d-root"))
    c.post["director/root/2"] = fg.tamper(["roles", "targets", "keyids"], [key("stranger").keyid("tuf")])
    s.add("tampered-director-root-rotation",
          "2.root.json (same root key) hands the targets role to another key after signing",
          [(C(), ok("image-a-1.0"), None), (c, fail("signature"), None)])

    for doc, cfg, name in (("image/timestamp", C(), "unsigned-image-timestamp"),
                           ("director/targets", C(dialect="aktualizr"), "unsigned-director-targets"),
                           ("director/offline-snapshot", C(layout="lockbox"), "unsigned-offline-snapshot")):
        cfg.post[doc] = fg.drop_sigs
        s.add(name, f"{doc} has no signatures at all", [(cfg, fail("signature"), None)])


def roots(s):
    C = Cfg
    A = "image-a-1.0"
    attacker = rotate(C(env="attacker"), "director", key("attacker-d-root2"))
    s.add("attacker-root-on-medium",
          "the medium carries an attacker's self-signed 1.root.json and 2.root.json: no chain to the provisioned root",
          [(attacker, fail("unknown-key"), None)], init_cfg=C())
    for name, signer in (("rotation-only-old-signature", "old"), ("rotation-only-new-signature", "new")):
        c = rotate(C(), "director", key("main-d-root2"))
        c.signers["director/root/2"] = [c.dk["root"]] if signer == "old" else [key("main-d-root2")]
        s.add(name, f"director 2.root.json (new root key) signed only by the {signer} root key",
              [(C(), ok(A), None), (c, fail("unknown-key"), None)])
    c = rotate(C(dialect="aktualizr"), "image", key("main-i-root2"))
    c.signers["image/root/2"] = [key("main-i-root2")]
    s.add("image-rotation-only-new-signature", "image 2.root.json signed only by the new root key",
          [(c, fail("unknown-key"), None)])
    c = rotate(C(), "director", key("main-d-root2"))
    c.pre["director/root/2"] = fg.set_signed(["version"], 3)
    s.add("rotation-version-skip", "director 2.root.json states version 3",
          [(C(), ok(A), None), (c, fail("root-rotation"), None)])
    c = rotate(C(), "image", key("main-i-root2"))
    c.pre["image/root/2"] = fg.set_signed(["version"], 1)
    s.add("rotation-version-unchanged", "image 2.root.json states version 1",
          [(C(), ok(A), None), (c, fail("root-rotation"), None)])
    c = rotate(C(), "director", key("main-d-root"))
    c.droots[1]["root"] = [c.dk["root"], key("main-d-root-n1"), key("main-d-root-n2")]
    c.droot_thresholds[1] = {"root": 2}
    c.signers["director/root/2"] = [c.dk["root"]]
    s.add("rotation-threshold-unmet", "root 2 needs 2 of its 3 root keys and carries one signature",
          [(C(), ok(A), None), (c, fail("signature"), None)])
    c = rotate(C(), "director", key("main-d-root"))
    c.droot_thresholds[1] = {"targets": 0}
    s.add("threshold-zero", "director 2.root.json gives the targets role threshold 0",
          [(C(), ok(A), None), (c, fail("illegal-threshold"), None)])
    c = rotate(C(), "director", key("main-d-root"))
    c.pre["director/root/2"] = fg.set_signed(["roles", "targets", "threshold"], "1")
    s.add("threshold-as-string", "director 2.root.json writes a threshold as the string \"1\"",
          [(C(), ok(A), None), (c, fail("format"), None)])


def keyids(s):
    C = Cfg
    c = C()
    k = c.dk["targets"]
    alias = "00" * 32
    c.droot_thresholds[0] = {"targets": 2}

    def alias_key(sg):
        sg["keys"][alias] = k.metadata("tuf")
        sg["roles"]["targets"]["keyids"].append(alias)
        return sg
    c.pre["director/root/1"] = alias_key
    c.signers["director/targets"] = [k, k]
    c.keyids["director/targets"] = [k.keyid("tuf"), alias]
    s.add("same-key-two-keyids",
          "one public key listed under two key ids, threshold 2, signed under both ids: thresholds count distinct keys",
          [(c, fail("signature"), None)])
    c = C()
    c.post["director/targets"] = fg.dup_sig
    s.add("duplicate-signature", "the same key id signs director targets twice (threshold 1)",
          [(c, fail("duplicate-signature"), None)])
    c = C(layout="lockbox", dialect="aktualizr", kind="ecdsa")
    c.post["director/offline-snapshot"] = fg.dup_sig
    s.add("duplicate-signature-offline-snapshot", "the same key id signs offline-snapshot twice",
          [(c, fail("duplicate-signature"), None)])
    c = C()
    c.signers["director/targets"] = [key("stranger")]
    s.add("unknown-key-only", "director targets signed only by a key the root does not know",
          [(c, fail("unknown-key"), None)])
    c = C()
    c.signers["director/targets"] = [c.dk["root"]]
    s.add("wrong-role-key", "director targets signed by the director root key, which the targets role does not list",
          [(c, fail("unknown-key"), None)])
    c = C(dialect="aktualizr")
    c.signers["image/targets"] = [c.dk["targets"]]
    s.add("cross-repo-key", "image targets signed by the director's targets key",
          [(c, fail("unknown-key"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.signers["director/offline-snapshot"] = [c.dk["oupd"]]
    s.add("lockbox-role-key-swap", "offline-snapshot signed by the offline-updates key",
          [(c, fail("unknown-key"), None)])
    c = C(dialect="aktualizr")
    c.post["director/targets"] = lambda e: (e["signatures"][0].update(method="rsassa-pss-sha256"), e)[1]
    s.add("method-not-for-key", "an Ed25519 signature whose method says rsassa-pss-sha256",
          [(c, fail("signature", "unsupported"), None)])
    s.add("other-environment",
          "a dev bundle on a production device: all metadata signed by another environment's keys",
          [(C(env="dev"), fail("unknown-key"), None)], init_cfg=C())


def types(s):
    C = Cfg
    for name, doc, kind, layout in (
            ("type-snapshot-as-timestamp", "image/timestamp", "snapshot", "online"),
            ("type-targets-as-snapshot", "image/snapshot", "targets", "online"),
            ("type-updates-as-offline-snapshot", "director/offline-snapshot", "offline-updates", "lockbox")):
        c = C(layout=layout, dialect="aktualizr")
        c.pre[doc] = fg.set_signed(["_type"], fg.type_name(kind, "aktualizr"))
        s.add(name, f"{doc} says _type {fg.type_name(kind, 'aktualizr')} (signed by its own role's key)",
              [(c, fail("type-mismatch"), None)])
    c = rotate(C(), "director", key("main-d-root"))
    c.pre["director/root/2"] = fg.set_signed(["_type"], "targets")
    s.add("type-targets-as-root", "director 2.root.json says _type targets (signed by the root key)",
          [(C(), ok("image-a-1.0"), None), (c, fail("type-mismatch"), None)])


def rollback(s):
    C = Cfg
    A = "image-a-1.0"

    def pair(name, desc, newer, older, layout="online", dialect="tuf", delegated=False):
        a, b = C(layout=layout, dialect=dialect), C(layout=layout, dialect=dialect)
        for cfg, vs in ((a, newer), (b, older)):
            cfg.versions.update(vs)
            if delegated:
                cfg.image_targets = []
                cfg.delegs = [deleg("firmware", [key("main-deleg")], cfg.targets)]
        s.add(name, desc, [(a, ok(A), None), (b, fail("rollback"), None)])

    pair("rollback-image-timestamp", "image timestamp version 2, then version 1",
         {"image/timestamp": 2}, {"image/timestamp": 1})
    pair("rollback-image-snapshot", "image snapshot version 2, then version 1 under a newer timestamp",
         {"image/snapshot": 2, "image/timestamp": 2}, {"image/snapshot": 1, "image/timestamp": 3})
    pair("rollback-image-targets", "image targets version 2, then version 1 under newer snapshot and timestamp",
         {"image/targets": 2, "image/snapshot": 2, "image/timestamp": 2},
         {"image/targets": 1, "image/snapshot": 3, "image/timestamp": 3}, dialect="aktualizr")
    pair("rollback-delegated-role", "delegated role version 2, then version 1 under newer snapshot and timestamp",
         {"image/deleg/firmware": 2, "image/snapshot": 2, "image/timestamp": 2},
         {"image/deleg/firmware": 1, "image/snapshot": 3, "image/timestamp": 3}, delegated=True)
    pair("rollback-director-targets", "director targets version 2, then version 1",
         {"director/targets": 2}, {"director/targets": 1}, dialect="aktualizr")
    pair("rollback-offline-snapshot", "a newer lockbox (offline-snapshot 2), then the older one (1) again: replayed stick",
         {"director/offline-snapshot": 2}, {"director/offline-snapshot": 1}, layout="lockbox")
    pair("rollback-offline-updates", "offline-updates version 2, then version 1 under a newer offline-snapshot",
         {"director/offline-snapshot": 2, "director/offline-updates": 2},
         {"director/offline-snapshot": 3, "director/offline-updates": 1}, layout="lockbox",
         dialect="aktualizr")


def listings(s):
    C = Cfg
    c = C()
    c.listing["image/targets"] = {"version": 2}
    s.add("mix-targets-version", "snapshot lists targets version 2, targets.json is version 1 (mix and match)",
          [(c, fail("version-mismatch"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.listing["director/offline-updates"] = {"version": 2}
    s.add("mix-offline-updates-version",
          "offline-snapshot lists the lockbox at version 2, the file is version 1 (mix and match)",
          [(c, fail("version-mismatch"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets)]
    c.listing["image/deleg/firmware"] = {"version": 2}
    s.add("mix-delegated-version", "snapshot lists the delegated role at version 2, its file is version 1",
          [(c, fail("version-mismatch"), None)])
    c = C()
    c.listing["image/snapshot"] = {"version": 2}
    s.add("mix-snapshot-version", "timestamp lists snapshot version 2 (with the right hash), the file is version 1",
          [(c, fail("version-mismatch"), None)])
    c = C()
    c.listing["image/snapshot"] = {"hashes": {"sha256": "ab" * 32}}
    s.add("snapshot-hash-mismatch", "timestamp lists another sha256 for snapshot.json",
          [(c, fail("hash-mismatch"), None)])
    c = C()
    c.pre["image/timestamp"] = lambda sg: (sg["meta"]["snapshot.json"].update(
        length=sg["meta"]["snapshot.json"]["length"] - 1), sg)[1]
    s.add("snapshot-length-mismatch", "timestamp lists a snapshot.json length one byte short of the file",
          [(c, fail("hash-mismatch", "too-large"), None)])
    c = C()
    c.listing["image/targets"] = {"with_hashes": True, "hashes": {"sha256": "ef" * 32}}
    s.add("snapshot-targets-hash-mismatch", "snapshot lists targets.json with a sha256 that is not the file's",
          [(c, fail("hash-mismatch"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.listing["director/offline-updates"] = {"hashes": {"sha256": "cd" * 32}}
    s.add("offline-updates-hash-mismatch", "offline-snapshot lists another sha256 for the lockbox file",
          [(c, fail("hash-mismatch"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.pre["director/offline-snapshot"] = lambda sg: (sg["meta"]["bundle-1.json"].update(
        length=sg["meta"]["bundle-1.json"]["length"] - 1), sg)[1]
    s.add("offline-updates-length-mismatch", "offline-snapshot lists a lockbox length one byte short of the file",
          [(c, fail("hash-mismatch", "too-large"), None)])
    c = C()
    c.unlisted.add("image/targets")
    s.add("snapshot-without-targets", "image snapshot does not list targets.json",
          [(c, fail("version-mismatch"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets)]
    c.unlisted.add("image/deleg/firmware")
    s.add("snapshot-without-delegated-role", "image snapshot does not list the delegated role that is needed",
          [(c, fail("version-mismatch"), None)])


def expiry(s):
    C = Cfg
    A = "image-a-1.0"
    c = C()
    c.expires["director/root/1"] = EXPIRED
    s.add("expired-director-root", "the provisioned director root expired and the medium has no newer one",
          [(c, fail("expired"), None)])
    c = rotate(C(), "director", key("main-d-root2"))
    c.expires["director/root/2"] = EXPIRED
    s.add("expired-director-root-rotated", "the director rotates to a root 2 that has expired",
          [(c, fail("expired"), None)])
    c = C(dialect="aktualizr")
    c.expires["image/root/1"] = EXPIRED
    s.add("expired-image-root", "the image root expired and the medium has no newer one",
          [(c, fail("expired"), None)])
    for doc, cfg in (("image/timestamp", C()), ("image/snapshot", C(dialect="aktualizr")),
                     ("image/targets", C()), ("director/targets", C(kind="ecdsa")),
                     ("director/offline-snapshot", C(layout="lockbox", dialect="aktualizr")),
                     ("director/offline-updates", C(layout="lockbox", kind="ecdsa"))):
        cfg.expires[doc] = EXPIRED
        s.add("expired-" + doc.split("/")[1] if doc.startswith("director/offline") else
              "expired-" + doc.replace("/", "-"), f"{doc} expired on {EXPIRED}",
              [(cfg, fail("expired"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets)]
    c.expires["image/deleg/firmware"] = EXPIRED
    s.add("expired-delegated-role",
          "the only role listing the target expired: its targets are not trusted, so nothing matches the director",
          [(c, fail("target-mismatch"), None)])
    b = C().bump()
    for doc in ("director/targets", "image/timestamp", "image/snapshot", "image/targets"):
        b.expires[doc] = "2026-06-01T00:00:00Z"
    s.add("expired-wound-back-clock",
          "after a success at 2027, newer metadata that expired in 2026 is refused although the clock says 2025",
          [(C(), ok(A), LATER), (b, fail("expired"), None)])


def director_rules(s):
    C = Cfg
    c = C()
    c.director_targets = [ostree("image-a-1.0", COMMIT_A, ecu="ecu-9999")]
    s.add("unknown-ecu", "director targets address ECU serial ecu-9999, which this device does not have",
          [(c, fail("unknown-ecu"), None)])
    c = C(dialect="aktualizr")
    c.director_targets = [ostree("image-a-1.0", COMMIT_A, hw="hw-beta")]
    s.add("wrong-hardware-id", "director targets give our ECU serial the hardware id hw-beta",
          [(c, fail("hardware-id"), None)])
    c = C()
    c.targets = [TARGET_A, TARGET_B]
    s.add("repeated-ecu", "director targets give our ECU two images", [(c, fail("repeated-ecu"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.targets = [TARGET_A, TARGET_B]
    s.add("lockbox-two-targets-one-ecu", "a lockbox offers our hardware id two images",
          [(c, fail("repeated-ecu"), None)])
    dk = key("main-deleg")
    block = {"roles": [{"name": "foo", "keyids": [dk.keyid("tuf")], "threshold": 1,
                        "paths": ["*"], "terminating": False}],
             "keys": {dk.keyid("tuf"): dk.metadata("tuf")}}
    c = C()
    c.pre["director/targets"] = lambda sg: dict(sg, delegations=block)
    s.add("director-delegations", "director targets carry a delegation (forbidden for the director)",
          [(c, fail("director-delegation"), None)])
    c = C(layout="lockbox")
    c.pre["director/offline-updates"] = lambda sg: dict(sg, delegations=block)
    s.add("lockbox-delegations", "offline-updates metadata carries a delegation (it plays the director)",
          [(c, fail("director-delegation"), None)])


def matching(s):
    C = Cfg
    for name, change, layout in (("image-hash-differs", {"sha256": COMMIT_B}, "online"),
                                 ("image-length-differs", {"length": 7}, "online"),
                                 ("image-hardware-differs", {"hw": "hw-beta"}, "online"),
                                 ("lockbox-image-hash-differs", {"sha256": COMMIT_B}, "lockbox")):
        c = C(layout=layout)
        c.image_targets = [dict(c.targets[0], **change)]
        field = next(iter(change))
        s.add(name, f"the image repository's entry has another {field} than the director's",
              [(c, fail("target-mismatch"), None)])
    c = C()
    c.image_targets = [TARGET_B]
    s.add("target-absent-from-image", "the image repository does not list the director's target",
          [(c, fail("target-mismatch"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.targets = [binary("firmware-1.0", b"firmware payload\n")]
    c.targets[0]["disk"] = b"firmware payload, longer than stated\n"
    s.add("payload-too-long", "the payload on the medium is longer than its metadata states",
          [(c, fail("target-length"), None)])
    c = C()
    c.targets = [binary("firmware-1.0", b"firmware payload\n")]
    c.targets[0]["disk"] = b"firmware PAYLOAD\n"
    s.add("payload-hash-differs", "the payload on the medium has the stated length but another sha256",
          [(c, fail("target-hash"), None)])


def delegations(s):
    C = Cfg
    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets, ["other-*"])]
    s.add("delegation-path-mismatch", "the delegated role lists the target but its paths (other-*) do not cover it",
          [(c, fail("target-mismatch"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("first", [key("main-deleg")], [], ["image-*"], terminating=True),
                deleg("second", [key("main-deleg2")], c.targets, ["image-*"])]
    s.add("terminating-delegation", "a terminating role without the target hides a later role that has it",
          [(c, fail("target-mismatch"), None)])
    c = C()
    c.image_targets = []
    dk = key("main-deleg")
    c.delegs = [deleg(f"r{i}", [dk], c.targets if i == 33 else [], parent=None if i == 0 else f"r{i - 1}")
                for i in range(34)]
    s.add("delegation-too-deep", "the target sits at the end of a chain of 34 delegated roles (more than 32)",
          [(c, fail("delegation"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets)]
    c.omit.add("image/deleg/firmware")
    s.add("delegation-missing", "the needed delegated role is delegated and listed in snapshot but its file is absent",
          [(c, fail("delegation-missing"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("../evil", [key("main-deleg")], c.targets)]
    s.add("delegation-name-traversal",
          "a delegated role named ../evil (its file is placed where a naive path join would find it)",
          [(c, fail("format"), None)])
    c = C(dialect="aktualizr")
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg"), key("main-deleg2")], c.targets, threshold=2,
                      signers=[key("main-deleg")])]
    s.add("delegation-unmet-threshold", "a delegated role needs 2 of 2 keys and carries one signature",
          [(c, fail("signature"), None)])
    c = C()
    c.image_targets = []
    c.delegs = [deleg("firmware", [key("main-deleg")], c.targets, threshold=0)]
    s.add("delegation-zero-threshold", "a role is delegated with threshold 0",
          [(c, fail("illegal-threshold"), None)])


def malformed(s):
    C = Cfg
    c = C()
    c.pre["director/targets"] = lambda sg: (
        sg["targets"]["image-a-1.0"]["custom"].update(pad="x" * 70000), sg)[1]
    s.add("director-targets-too-large", "director targets.json over 64 KiB (validly signed)",
          [(c, fail("too-large"), None)])
    c = C()
    c.raw["director/targets"] = fg.raw_replace_once(b'"version": 1\n', b'"version": 1,\n')
    s.add("malformed-trailing-comma", "director targets.json with a trailing comma in signed",
          [(c, fail("format"), None)])
    c = C()
    c.raw["director/targets"] = fg.raw_replace_once(b'"version": 1\n',
                                                    b'"version": 1,\n    "version": 2\n')
    s.add("duplicate-json-key", "a second \"version\" key inside signed of director targets",
          [(c, fail("format"), None)])
    c = C()
    c.raw["image/timestamp"] = fg.raw_replace_once(b'"version": 1\n  }', b'"version": 1.0\n  }')
    s.add("float-version", "image timestamp version written as 1.0", [(c, fail("format"), None)])
    c = C()
    c.pre["image/timestamp"] = fg.set_signed(["expires"], "2030-01-01 00:00:00")
    s.add("expiry-bad-format", "an expiry not of the form YYYY-MM-DDTHH:MM:SSZ (signed)",
          [(c, fail("format"), None)])
    c = C()
    c.pre["director/targets"] = lambda sg: (
        sg["targets"]["image-a-1.0"]["custom"].update(deep=nested(40)), sg)[1]
    s.add("deep-nesting", "JSON nested 40 levels deep inside custom of director targets (signed)",
          [(c, fail("too-large"), None)])
    c = C()
    c.post["director/targets"] = lambda e: {"signed": e["signed"]}
    s.add("missing-signatures-field", "director targets.json has no \"signatures\" member at all",
          [(c, fail("format"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.targets = [binary("../escape-1.0", b"outside the payload directory\n")]
    s.add("target-name-traversal",
          "a binary target named ../escape-1.0 (its payload is placed where a naive path join would find it)",
          [(c, fail("format"), None)])
    c = C(layout="lockbox", dialect="aktualizr")
    c.lockbox = "../bundle-1"
    # a name that cannot be a file of the lockbox directory may also be taken
    # as "no listed lockbox on the medium"; what matters is that it is not read
    s.add("lockbox-name-traversal",
          "offline-snapshot lists the lockbox as ../bundle-1.json (the file is placed where a naive path join would find it)",
          [(c, fail("format", "not-found"), None)])
    s.add("not-provisioned", "no provisioned roots: a root on the medium is never trusted on first use",
          [(C(), fail("not-provisioned"), None)], init=False)
    s.add("not-provisioned-lockbox", "a lockbox on a device with no provisioned roots (Torizon's Unprovisioned test)",
          [(C(layout="lockbox", dialect="aktualizr"), fail("not-provisioned"), None)], init=False)


def build(s):
    for group in (happy, signatures, roots, keyids, types, rollback, listings, expiry,
                  director_rules, matching, delegations, malformed):
        group(s)


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: gen-scenarios.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    s = Scenarios(out)
    build(s)
    # one line per case (OUTDIR itself holds nothing but case directories)
    for name, codes in s.cases:
        print(f"{name}: {' / '.join(json.dumps(c) if isinstance(c, list) else c for c in codes)}")
    print(f"wrote {len(s.cases)} scenarios to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
