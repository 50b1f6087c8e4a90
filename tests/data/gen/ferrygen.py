"""Independent Uptane/TUF metadata generator for ferry's tests (a small library).

Built only on Debian 12's python3-securesystemslib (canonical JSON, key ids,
signing and verification) and python3-cryptography (keys), so that ferry's C
verifier and this generator cannot share a mistake. Nothing here reads ferry's
code or output.

Two dialects:
  tuf        python-tuf / TUF 1.0: lower-case _type, spec_version "1.0.31",
             keys {"keytype","scheme","keyval":{"public"}}, securesystemslib
             key ids, signatures {"keyid","sig": hex}, signed bytes =
             securesystemslib.formats.encode_canonical(signed) (OLPC canonical
             JSON: PEM newlines stay raw)
  aktualizr  Uptane/aktualizr/ota-tuf: capitalised _type, no spec_version,
             keys {"keytype": "ED25519"|"RSA"|"ECDSA","keyval":{"public"}}
             without scheme, key ids sha256 of the JSON string of the public
             value (Ed25519, as the Uptane vectors) or sha256 of the DER
             SubjectPublicKeyInfo (RSA, ECDSA, as ota-tuf), signatures
             {"keyid","method","sig": base64}, signed bytes = json.dumps with
             sorted keys and no whitespace (control characters such as the
             PEM newlines JSON-escaped, as aktualizr/ota-tuf do)

Keys are deterministic: Ed25519 and ECDSA private keys are derived from
sha256(seed + kind + name); RSA-3072 keys are test-only PEM files under keys/
(made once, see keys/README.md). Ed25519 signatures come from
securesystemslib.keys.create_signature. RSA-PSS and ECDSA signatures are
randomised there, so by default they are made deterministically here (PSS with
a salt derived from the key and the message; ECDSA with an RFC 6979 nonce) and
every one of them is then verified with securesystemslib.keys.verify_signature
before use. FERRYGEN_SSL_SIGN=1 signs everything with create_signature instead
(same verdicts, output no longer byte-stable).
"""
import base64
import copy
import hashlib
import hmac
import json
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, utils as asym_utils
from securesystemslib import formats
from securesystemslib import keys as ssl_keys

VALID = "2030-01-01T00:00:00Z"
EXPIRED = "2024-06-01T00:00:00Z"
NOW = "2025-01-01T00:00:00Z"
SPEC_VERSION = "1.0.31"
SEED = b"ferry-test-key:"
KEYDIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keys")
RSA_BITS = 3072

SSL_SIGN = os.environ.get("FERRYGEN_SSL_SIGN") == "1"

# P-256 domain parameters (SEC 2 / FIPS 186-4), for RFC 6979 signing
_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_A = _P - 3
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
      0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


# ---------------------------------------------------------------- keys ----

_KEYS = {}


def key(name, kind="ed25519"):
    """The Key called @name (one object per name and kind, so `is` works)."""
    if (name, kind) not in _KEYS:
        _KEYS[(name, kind)] = Key(name, kind)
    return _KEYS[(name, kind)]


def _rsa_private(name):
    path = os.path.join(KEYDIR, f"rsa-{name}.pem")
    if os.path.exists(path):
        with open(path, "rb") as f:
            return serialization.load_pem_private_key(f.read(), password=None)
    # not committed yet: make one; FERRYGEN_WRITE_KEYS=1 stores it for next time
    priv = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    if os.environ.get("FERRYGEN_WRITE_KEYS") == "1":
        os.makedirs(KEYDIR, exist_ok=True)
        with open(path, "wb") as f:
            f.write(pem)
    else:
        print(f"ferrygen: warning: {path} missing, RSA key made for this run only",
              file=sys.stderr)
    return priv


class Key:
    """A test signing key with its public form in both dialects."""

    def __init__(self, name, kind="ed25519"):
        self.name = name
        self.kind = kind
        seed = hashlib.sha256(SEED + kind.encode() + b":" + name.encode()).digest()
        if kind == "ed25519":
            self.priv = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
            self.public = self.priv.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
            private = seed.hex()
            keytype, scheme = "ed25519", "ed25519"
        elif kind == "ecdsa":
            self.priv = ec.derive_private_key(int.from_bytes(seed, "big") % (_N - 1) + 1,
                                              ec.SECP256R1())
            self.public = self._public_pem()
            private = self._private_pem()
            keytype, scheme = "ecdsa", "ecdsa-sha2-nistp256"
        elif kind == "rsa":
            self.priv = _rsa_private(name)
            self.public = self._public_pem()
            private = self._private_pem()
            keytype, scheme = "rsa", "rsassa-pss-sha256"
        else:
            raise ValueError(f"unknown key kind {kind}")
        self.scheme = scheme
        keyval = {"public": self.public}
        self.ssl = {"keytype": keytype, "scheme": scheme,
                    "keyid": ssl_keys._get_keyid(keytype, scheme, keyval),
                    "keyval": {"public": self.public, "private": private}}
        self.ssl_public = {"keytype": keytype, "scheme": scheme, "keyid": self.ssl["keyid"],
                           "keyval": keyval}

    def _public_pem(self):
        return self.priv.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def _private_pem(self):
        return self.priv.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()).decode()

    def spki_der(self):
        return self.priv.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)

    def keyid(self, dialect):
        if dialect == "tuf":
            return self.ssl["keyid"]
        if self.kind == "ed25519":
            return hashlib.sha256(json.dumps(self.public).encode()).hexdigest()
        return hashlib.sha256(self.spki_der()).hexdigest()

    def metadata(self, dialect):
        """The key as root.json or delegations list it."""
        if dialect == "tuf":
            return {"keytype": self.ssl["keytype"], "scheme": self.scheme,
                    "keyval": {"public": self.public}}
        keytype = {"ed25519": "ED25519", "rsa": "RSA", "ecdsa": "ECDSA"}[self.kind]
        return {"keytype": keytype, "keyval": {"public": self.public}}

    def method(self):
        return self.scheme

    def sign_bytes(self, data):
        """Raw signature bytes over @data, checked by securesystemslib."""
        if self.kind == "ed25519" or SSL_SIGN:
            return bytes.fromhex(ssl_keys.create_signature(self.ssl, data)["sig"])
        if self.kind == "rsa":
            sig = _pss_sign_deterministic(self.priv, data, self.name)
        else:
            sig = _ecdsa_sign_rfc6979(self.priv, data)
        if not ssl_keys.verify_signature(self.ssl_public, {"keyid": self.ssl["keyid"],
                                                           "sig": sig.hex()}, data):
            raise RuntimeError(f"securesystemslib rejects our {self.kind} signature")
        return sig


def _mgf1(seed, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def _pss_sign_deterministic(priv, data, name):
    """RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32 bytes, RFC 8017 9.1.1) with
    a salt derived from the key name and the message, so output is stable."""
    numbers = priv.private_numbers()
    n = numbers.public_numbers.n
    mod_bits = n.bit_length()
    em_bits = mod_bits - 1
    em_len = (em_bits + 7) // 8
    m_hash = hashlib.sha256(data).digest()
    salt = hashlib.sha256(b"ferry-pss-salt:" + name.encode() + b":" + m_hash).digest()
    h = hashlib.sha256(b"\0" * 8 + m_hash + salt).digest()
    db = b"\0" * (em_len - len(salt) - 32 - 2) + b"\x01" + salt
    masked = bytes(a ^ b for a, b in zip(db, _mgf1(h, em_len - 32 - 1)))
    masked = bytes([masked[0] & (0xFF >> (8 * em_len - em_bits))]) + masked[1:]
    m = int.from_bytes(masked + h + b"\xbc", "big")
    # CRT
    s1 = pow(m, numbers.dmp1, numbers.p)
    s2 = pow(m, numbers.dmq1, numbers.q)
    s = s2 + numbers.q * ((numbers.iqmp * (s1 - s2)) % numbers.p)
    return s.to_bytes((mod_bits + 7) // 8, "big")


def _ec_add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if (y1 + y2) % _P == 0:
            return None
        lam = (3 * x1 * x1 + _A) * pow(2 * y1, -1, _P) % _P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, _P) % _P
    x3 = (lam * lam - x1 - x2) % _P
    return x3, (lam * (x1 - x3) - y1) % _P


def _ec_mul(k, point):
    result = None
    while k:
        if k & 1:
            result = _ec_add(result, point)
        point = _ec_add(point, point)
        k >>= 1
    return result


def _ecdsa_sign_rfc6979(priv, data):
    """ECDSA P-256 with SHA-256 and the deterministic nonce of RFC 6979 3.2;
    DER-encoded, as securesystemslib writes ECDSA signatures."""
    x = priv.private_numbers().private_value
    h1 = hashlib.sha256(data).digest()
    z = int.from_bytes(h1, "big") % _N
    xb = x.to_bytes(32, "big")
    hb = z.to_bytes(32, "big")
    v = b"\x01" * 32
    k = b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + xb + hb, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + xb + hb, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        nonce = int.from_bytes(v, "big")
        if 1 <= nonce < _N:
            r = _ec_mul(nonce, _G)[0] % _N
            s = pow(nonce, -1, _N) * (z + r * x) % _N
            if r and s:
                return asym_utils.encode_dss_signature(r, s)
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


# ------------------------------------------------------------ metadata ----

def canonical(obj, dialect):
    """The bytes a signature covers."""
    if dialect == "tuf":
        return formats.encode_canonical(obj).encode()
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(key_, data, dialect, keyid=None):
    raw = key_.sign_bytes(data)
    kid = keyid if keyid is not None else key_.keyid(dialect)
    if dialect == "tuf":
        return {"keyid": kid, "sig": raw.hex()}
    return {"keyid": kid, "method": key_.method(), "sig": base64.b64encode(raw).decode()}


def sign(signed, keys, dialect, keyids=None):
    """The envelope {"signatures","signed"} of @signed, signed by @keys
    (@keyids, if given, overrides the key id written for each)."""
    data = canonical(signed, dialect)
    sigs = [signature(k, data, dialect, keyids[i] if keyids else None) for i, k in enumerate(keys)]
    return {"signatures": sigs, "signed": signed}


TYPES = {"root": "Root", "targets": "Targets", "snapshot": "Snapshot", "timestamp": "Timestamp",
         "offline-snapshot": "Offline-Snapshot", "offline-updates": "Offline-Updates",
         "offline-targets": "Offline-Targets"}


def type_name(kind, dialect):
    """_type for a document kind: capitalised (aktualizr) or lower case (tuf)."""
    return TYPES[kind] if dialect == "aktualizr" else kind


def header(kind, version, expires, dialect):
    s = {"_type": type_name(kind, dialect), "expires": expires, "version": version}
    if dialect == "tuf":
        s["spec_version"] = SPEC_VERSION
    return s


def root_signed(roles, version, expires, dialect, thresholds=None, consistent=False):
    """Root's signed part. @roles: role name -> [Key]; @thresholds: name -> int."""
    keys = {}
    role_map = {}
    for role, ks in roles.items():
        for k in ks:
            keys[k.keyid(dialect)] = k.metadata(dialect)
        role_map[role] = {"keyids": [k.keyid(dialect) for k in ks],
                          "threshold": (thresholds or {}).get(role, 1)}
    s = header("root", version, expires, dialect)
    s.update({"consistent_snapshot": consistent, "keys": keys, "roles": role_map})
    return s


def delegations(roles, dialect):
    """A delegations block. @roles: dicts with name, keys ([Key]), paths,
    threshold, terminating."""
    keys = {}
    out = []
    for r in roles:
        for k in r["keys"]:
            keys[k.keyid(dialect)] = k.metadata(dialect)
        out.append({"name": r["name"], "keyids": [k.keyid(dialect) for k in r["keys"]],
                    "threshold": r.get("threshold", 1), "paths": r.get("paths", ["*"]),
                    "terminating": r.get("terminating", False)})
    return {"keys": keys, "roles": out}


def raw_bytes(envelope, pretty=True):
    """File bytes: pretty-printed with sorted keys, as the Uptane vectors."""
    if isinstance(envelope, (bytes, bytearray)):
        return bytes(envelope)
    if pretty:
        return (json.dumps(envelope, indent=2, sort_keys=True) + "\n").encode()
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return data


def dump(path, envelope, pretty=True):
    return write(path, raw_bytes(envelope, pretty))


def file_entry(data):
    """length and sha256 of exact file bytes."""
    return {"hashes": {"sha256": hashlib.sha256(data).hexdigest()}, "length": len(data)}


def meta_entry(data, version, with_hashes=True):
    e = {"version": version}
    if with_hashes:
        e.update(file_entry(data))
    return e


def deepcopy(x):
    return copy.deepcopy(x)


# ----------------------------------------- mutations after signing ----

def flip_sig(env, index=0):
    """Corrupt one signature (a valid encoding of wrong bytes): one byte of
    the raw signature, near its middle, is XOR-ed."""
    s = env["signatures"][index]
    is_hex = "method" not in s
    raw = bytearray(bytes.fromhex(s["sig"]) if is_hex else base64.b64decode(s["sig"]))
    raw[len(raw) // 2] ^= 0x01
    s["sig"] = raw.hex() if is_hex else base64.b64encode(bytes(raw)).decode()
    return env


def drop_sigs(env):
    env["signatures"] = []
    return env


def dup_sig(env, index=0):
    """The same key id (and signature) twice."""
    env["signatures"].append(copy.deepcopy(env["signatures"][index]))
    return env


def set_path(obj, path, value):
    o = obj
    for p in path[:-1]:
        o = o[p]
    o[path[-1]] = value
    return obj


def set_signed(path, value):
    """A hook that changes signed[path] (before signing: re-signed; after
    signing, on the envelope's "signed": not re-signed)."""
    return lambda signed: set_path(signed, path, value)


def tamper(path, value):
    """Change env["signed"][path] after signing, without re-signing."""
    return lambda env: (set_path(env["signed"], path, value), env)[1]


def add_foreign_sig(key_, dialect):
    """Append a signature over the signed part by a key the role does not list."""
    def f(env):
        env["signatures"].append(signature(key_, canonical(env["signed"], dialect), dialect))
        return env
    return f


def raw_replace_once(old, new):
    """A hook on the serialised bytes."""
    def f(data):
        if old not in data:
            raise ValueError(f"{old!r} not in document")
        return data.replace(old, new, 1)
    return f


# ------------------------------------------------------- verification ----

def ssl_public_from_metadata(keymeta):
    """A securesystemslib public key dict from a key as metadata lists it
    (either dialect)."""
    keytype = keymeta["keytype"].lower()
    scheme = keymeta.get("scheme")
    if keytype in ("ecdsa", "ecdsa-sha2-nistp256", "ecprime256v1"):
        keytype, scheme = "ecdsa", scheme or "ecdsa-sha2-nistp256"
    elif keytype == "rsa":
        scheme = scheme or "rsassa-pss-sha256"
    elif keytype == "ed25519":
        scheme = scheme or "ed25519"
    keyval = {"public": keymeta["keyval"]["public"]}
    return {"keytype": keytype, "scheme": scheme,
            "keyid": ssl_keys._get_keyid(keytype, scheme, keyval), "keyval": keyval}


def dialect_of(signed):
    return "tuf" if "spec_version" in signed else "aktualizr"


def verify_sig(keymeta, sig, signed):
    """Does @sig (a signature object of either dialect) verify over @signed
    with the key @keymeta, according to securesystemslib?"""
    dialect = "aktualizr" if "method" in sig else "tuf"
    data = canonical(signed, dialect)
    raw = bytes.fromhex(sig["sig"]) if dialect == "tuf" else base64.b64decode(sig["sig"])
    pub = ssl_public_from_metadata(keymeta)
    if dialect == "aktualizr" and sig["method"] != pub["scheme"]:
        return False
    try:
        return ssl_keys.verify_signature(pub, {"keyid": pub["keyid"], "sig": raw.hex()}, data)
    except Exception:  # noqa: BLE001 - any failure is a bad signature here
        return False


def count_valid(env, keys, keyids, threshold):
    """(distinct valid public keys among @keyids, threshold met?)"""
    good = set()
    for sig in env["signatures"]:
        if sig["keyid"] in keyids and sig["keyid"] in keys and \
                verify_sig(keys[sig["keyid"]], sig, env["signed"]):
            good.add(keys[sig["keyid"]]["keyval"]["public"])
    return len(good), threshold >= 1 and len(good) >= threshold


def recomputed_keyid(keymeta, dialect):
    """The key id this generator writes for @keymeta in @dialect."""
    if dialect == "tuf":
        pub = ssl_public_from_metadata(keymeta)
        return pub["keyid"]
    public = keymeta["keyval"]["public"]
    if keymeta["keytype"].lower() == "ed25519":
        return hashlib.sha256(json.dumps(public).encode()).hexdigest()
    der = serialization.load_pem_public_key(public.encode()).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()
