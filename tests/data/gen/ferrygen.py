"""Independent Uptane/TUF metadata generator for ferry's tests.

Built only on Debian 12's python3-securesystemslib (canonical JSON, key ids,
signatures) and python3-cryptography (deterministic Ed25519/ECDSA keys, RSA),
so that ferry's C verifier and this generator cannot share a mistake.

Two dialects:
  tuf        python-tuf / TUF 1.0: lower-case _type, spec_version, keys with
             scheme, securesystemslib key ids, hex signatures without method
  aktualizr  Uptane/aktualizr: capitalised _type, keys without scheme, key ids
             sha256(JSON string of the public value) for Ed25519 and
             sha256(DER SPKI) for RSA/ECDSA (as ota-tuf), base64 signatures
             with "method"; signed over canonical JSON with control
             characters escaped, as aktualizr does
"""
import base64
import copy
import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from securesystemslib import formats, keys as ssl_keys

VALID = "2030-01-01T00:00:00Z"
EXPIRED = "2024-06-01T00:00:00Z"

_RSA_CACHE = {}


class Key:
    """A signing key with its public form in both dialects."""

    def __init__(self, name, kind="ed25519"):
        self.name = name
        self.kind = kind
        seed = hashlib.sha256(b"ferry-test-key:" + name.encode()).digest()
        if kind == "ed25519":
            self.priv = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
            raw = self.priv.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)
            self.public = raw.hex()
            priv_raw = self.priv.private_bytes(serialization.Encoding.Raw,
                                               serialization.PrivateFormat.Raw,
                                               serialization.NoEncryption())
            self.ssl = {"keytype": "ed25519", "scheme": "ed25519",
                        "keyval": {"public": self.public, "private": priv_raw.hex()}}
        elif kind == "ecdsa":
            self.priv = ec.derive_private_key(int.from_bytes(seed, "big") % (2**255), ec.SECP256R1())
            self.public = self._pem()
            self.ssl = {"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256",
                        "keyval": {"public": self.public, "private": self._priv_pem()}}
        elif kind == "rsa":
            # RSA keys cannot be derived from a seed cheaply: one per name per run
            if name not in _RSA_CACHE:
                _RSA_CACHE[name] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.priv = _RSA_CACHE[name]
            self.public = self._pem()
            self.ssl = {"keytype": "rsa", "scheme": "rsassa-pss-sha256",
                        "keyval": {"public": self.public, "private": self._priv_pem()}}
        else:
            raise ValueError(kind)
        self.ssl["keyid"] = ssl_keys._get_keyid(self.ssl["keytype"], self.ssl["scheme"],
                                                self.ssl["keyval"])

    def _pem(self):
        return self.priv.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def _priv_pem(self):
        return self.priv.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()).decode()

    def keyid(self, dialect):
        if dialect == "tuf":
            return self.ssl["keyid"]
        if self.kind == "ed25519":
            return hashlib.sha256(json.dumps(self.public).encode()).hexdigest()
        der = self.priv.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        return hashlib.sha256(der).hexdigest()

    def metadata(self, dialect):
        if dialect == "tuf":
            return {"keytype": self.ssl["keytype"], "scheme": self.ssl["scheme"],
                    "keyval": {"public": self.public}}
        keytype = {"ed25519": "ED25519", "rsa": "RSA", "ecdsa": "ECPRIME256V1"}[self.kind]
        return {"keytype": keytype, "keyval": {"public": self.public}}

    def method(self):
        return self.ssl["scheme"]

    def sign_bytes(self, data):
        """Raw signature bytes, made by securesystemslib."""
        sig = ssl_keys.create_signature(self.ssl, data)
        return bytes.fromhex(sig["sig"])


def canonical(obj, dialect):
    if dialect == "tuf":
        return formats.encode_canonical(obj).encode()
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(signed, keys, dialect, keyids=None):
    """The envelope of @signed, signed by @keys (key ids may be overridden)."""
    data = canonical(signed, dialect)
    sigs = []
    for i, key in enumerate(keys):
        raw = key.sign_bytes(data)
        kid = keyids[i] if keyids else key.keyid(dialect)
        if dialect == "tuf":
            sigs.append({"keyid": kid, "sig": raw.hex()})
        else:
            sigs.append({"keyid": kid, "method": key.method(), "sig": base64.b64encode(raw).decode()})
    return {"signatures": sigs, "signed": signed}


def type_name(role, dialect):
    if dialect == "tuf":
        return role
    return {"offline-snapshot": "Offline-Snapshot", "offline-updates": "Offline-Updates"}.get(
        role, role.capitalize())


def header(role, version, expires, dialect):
    s = {"_type": type_name(role, dialect), "version": version, "expires": expires}
    if dialect == "tuf":
        s["spec_version"] = "1.0.31"
    return s


def root_signed(roles, version, expires, dialect, thresholds=None, extra_keys=None):
    """@roles: role name -> list of Key."""
    keys = {}
    role_map = {}
    for role, ks in roles.items():
        for k in ks:
            keys[k.keyid(dialect)] = k.metadata(dialect)
        role_map[role] = {"keyids": [k.keyid(dialect) for k in ks],
                          "threshold": (thresholds or {}).get(role, 1)}
    for kid, k in (extra_keys or {}).items():
        keys[kid] = k.metadata(dialect)
    s = header("root", version, expires, dialect)
    s.update({"keys": keys, "roles": role_map, "consistent_snapshot": False})
    return s


def dump(path, envelope, pretty=True):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = raw_bytes(envelope, pretty)
    with open(path, "wb") as f:
        f.write(data)
    return data


def raw_bytes(envelope, pretty=True):
    if isinstance(envelope, (bytes, bytearray)):
        return bytes(envelope)
    if pretty:
        return (json.dumps(envelope, indent=2, sort_keys=True) + "\n").encode()
    return json.dumps(envelope, separators=(",", ":")).encode()


def meta_entry(data, version, with_hashes=True):
    e = {"version": version}
    if with_hashes:
        e["length"] = len(data)
        e["hashes"] = {"sha256": hashlib.sha256(data).hexdigest()}
    return e


def deepcopy(x):
    return copy.deepcopy(x)
