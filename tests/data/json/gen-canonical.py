#!/usr/bin/python3
"""Writes canonical-cases.json: tricky JSON inputs with the bytes that
securesystemslib's encode_canonical (the OLPC canonical form that TUF signs)
and Python's json module produce for them.

Run with Debian 12's python3-securesystemslib (0.26):

    /usr/bin/python3 tests/data/json/gen-canonical.py > tests/data/json/canonical-cases.json

Every case has:
  name     what it is about
  input    the JSON text handed to the parser (a string, so the exact escapes survive)
  olpc     hex of encode_canonical(json.loads(input)), or null when it raises
           (numbers with a fraction or exponent have no canonical form)
  escaped  hex of json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False):
           FERRY_JSON_CANON_ESCAPED, what aktualizr signs; null with olpc
  pretty   hex of json.dumps(indent=2, sort_keys=True, ensure_ascii=False) + "\\n":
           ferry_json_to_string(pretty); null when a double is involved, since
           Python rewrites the literal and ferry keeps it as read
Outputs are hex so that the expected bytes do not depend on the JSON reader
under test.
"""
import json
import sys

import securesystemslib
from securesystemslib.exceptions import FormatError
from securesystemslib.formats import encode_canonical

CONTROL = "".join("\\u%04x" % c for c in range(1, 0x20))

CASES = [
    ("empty-object", "{}"),
    ("empty-array", "[]"),
    ("empty-string", '""'),
    ("nested-empties", '{"b":[],"a":{},"c":[{},[]]}'),
    ("scalars", '[true,false,null,0,-0,1,-1]'),
    ("int64-max", "9223372036854775807"),
    ("int64-min", "-9223372036854775808"),
    ("int64-extremes-in-object", '{"max":9223372036854775807,"min":-9223372036854775808}'),
    ("whitespace-everywhere", ' \t\r\n{ "b" : [ 1 , 2 ] ,\n\t"a" :\r\n null } \n'),
    ("ascii-key-order", '{"b":1,"a":2,"B":3,"A":4,"_type":5,"0":6,"aa":7,"a b":8,"~":9}'),
    ("prefix-keys", '{"ab":1,"a":2,"a\\u0001":3,"a ":4,"":5}'),
    ("latin1-vs-ascii-keys", '{"\\u00e9":1,"z":2,"e":3,"\\u00ff":4,"\\u0100":5}'),
    # UTF-16 order would put U+10000 (a surrogate pair) before U+E000 and U+FFFF
    ("non-bmp-key-order", '{"\\ud800\\udc00":1,"\\uffff":2,"\\ue000":3,"\\ud7ff":4,"\\udbff\\udfff":5}'),
    ("raw-utf8-keys", '{"\u00e9t\u00e9":1,"\u20ac":2,"\U0001f600":3,"\u4e2d\u6587":4}'),
    ("quote-and-backslash", '["\\"","\\\\","a\\"b\\\\c","\\\\\\""]'),
    ("solidus", '["\\/","/","<\\/script>"]'),
    ("short-escapes", '["\\b","\\f","\\n","\\r","\\t"]'),
    ("every-control-char", '"%s"' % CONTROL),
    ("control-chars-in-keys", '{"a\\nb":1,"a\\tb":2,"\\u001f":3,"\\u0001":4}'),
    ("del-and-c1", '["\\u007f","\\u0080","\\u009f","\\u00a0"]'),
    ("line-separators", '["\\u2028","\\u2029","\u2028"]'),
    ("bom-inside-string", '["\\ufeff","\ufeff"]'),
    ("noncharacters", '["\\ufffe","\\uffff","\\ud83f\\udffe","\\udbff\\udfff"]'),
    ("surrogate-pairs", '["\\ud834\\udd1e","\\ud83d\\ude00","\\uD83D\\uDE00","\\ud800\\udc00"]'),
    ("escaped-and-raw-equal", '["\\u00e9","\u00e9","\\u20AC","\u20ac"]'),
    ("uppercase-hex-escapes", '"\\u00C9\\u00c9\\u0041"'),
    ("combining-marks", '["e\\u0301","\\u00e9"]'),
    ("escaped-key-sorting", '{"\\u0062":1,"\\u0061":2}'),
    ("deep-nesting-32", "[" * 32 + "]" * 32),
    ("deep-objects-32", '{"a":' * 31 + "{}" + "}" * 31),
    ("long-string", '"' + "x" * 1000 + '"'),
    ("many-keys", "{" + ",".join('"k%d":%d' % (i, i) for i in range(120, 0, -1)) + "}"),
    ("pem-key", json.dumps({"keytype": "rsa", "keyval": {"public":
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\nMIIBCgKCAQEAxyz==\n-----END PUBLIC KEY-----\n"},
        "scheme": "rsassa-pss-sha256"})),
    ("tuf-signed", '{"signed":{"_type":"targets","version":3,"expires":"2030-01-01T00:00:00Z",'
        '"spec_version":"1.0.0","targets":{"file.txt":{"length":11,"hashes":{"sha256":'
        '"dbbf9a3f"},"custom":{"ecuIdentifiers":{"ecu\\u00e9":{"hardwareId":"hw"}}}}}},'
        '"signatures":[{"keyid":"ab","sig":"cd"}]}'),
    ("mixed-array", '[1,"a",[2,{"z":null,"y":[true]}],{"\\"":"\\\\"}]'),
    ("double", "1.5"),
    ("double-in-object", '{"a":1,"b":1.0}'),
    ("exponent", "[1e5]"),
    ("negative-exponent", '{"x":[-2E-3]}'),
]


def hexbytes(s):
    return s.encode("utf-8").hex()


def case(name, text):
    value = json.loads(text)
    try:
        olpc = hexbytes(encode_canonical(value))
        escaped = hexbytes(json.dumps(value, sort_keys=True, separators=(",", ":"),
                                      ensure_ascii=False))
        pretty = hexbytes(json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    except FormatError:
        olpc = escaped = pretty = None
    return {"name": name, "input": text, "olpc": olpc, "escaped": escaped, "pretty": pretty}


def main():
    out = {
        "generator": "gen-canonical.py, securesystemslib %s, Python %s"
        % (securesystemslib.__version__, sys.version.split()[0]),
        "cases": [case(name, text) for name, text in CASES],
    }
    names = [c["name"] for c in out["cases"]]
    assert len(names) == len(set(names))
    json.dump(out, sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
