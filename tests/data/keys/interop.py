#!/usr/bin/python3
"""Keys and signatures made by python3-securesystemslib and python3-cryptography,
for tests/unit/test-keys.c to verify: prints one JSON document on stdout."""
import json

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from securesystemslib import keys

MSG = b'{"_type":"targets","version":1}'
out = {"message": MSG.decode(), "keys": [], "raw": []}
for k in (keys.generate_ed25519_key(), keys.generate_rsa_key(2048), keys.generate_ecdsa_key()):
    sig = keys.create_signature(k, MSG)
    out["keys"].append({"keytype": k["keytype"], "scheme": k["scheme"],
                        "public": k["keyval"]["public"], "keyid": k["keyid"], "sig": sig["sig"]})

priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)
pem = priv.public_key().public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo).decode()
out["raw"].append({"keytype": "RSA", "public": pem, "method": "rsa-pkcs1v15-sha256",
                   "sig": priv.sign(MSG, padding.PKCS1v15(), hashes.SHA256()).hex()})
out["raw"].append({"keytype": "RSA", "public": pem, "method": "rsassa-pss",
                   "sig": priv.sign(MSG, padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                                     salt_length=padding.PSS.MAX_LENGTH),
                                    hashes.SHA256()).hex()})
weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
out["rsa1024"] = weak.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
p384 = ec.generate_private_key(ec.SECP384R1())
out["p384"] = p384.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()
print(json.dumps(out))
