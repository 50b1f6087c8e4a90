#!/usr/bin/env bash
# ferry-applier init: configuration, provisioned roots, ECU key and identity.
set -euo pipefail
applier=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
v="$FERRY_SHARED_DIR/uptane-vectors/simple/0"
mkdir -p "$work/import"
conf() { # conf EXTRA-LINES...
	{ echo "[applier]"; echo "state=$work/var/state.db"; echo "ecu-key=$work/var/ecu-key.pem"
	  echo "import-dir=$work/import"; echo "hardware-id=hw-a"; printf '%s\n' "$@"; } >"$work/applier.conf"
}
run() { "$applier" init --config "$work/applier.conf" --json 2>"$work/err"; }

# no roots to import: not provisioned, nothing trusted
conf
if out=$(run); then fail "init without roots succeeded"; fi
grep -q '"code":"not-provisioned"' <<<"$out" || fail "no roots: $out"

# a root that is not signed by its own keys is refused
cp "$v/director/1.root.json" "$work/import/director-root.json"
sed 's/"sig": "/"sig": "AA/' "$v/image_repo/1.root.json" >"$work/import/image-root.json"
if out=$(run); then fail "a forged image root was imported"; fi
[[ $(sqlite3 "$work/var/state.db" "SELECT count(*) FROM trust_metadata") -eq 0 ]] || fail "partial import"

cp "$v/image_repo/1.root.json" "$work/import/image-root.json"
out=$(run) || fail "init: $(cat "$work/err")"
grep -q '"changed":true' <<<"$out" || fail "first init: $out"
grep -q '"hardware_id":"hw-a"' <<<"$out" || fail "hardware id: $out"
serial=$(sed -n 's/.*"ecu_serial":"\([^"]*\)".*/\1/p' <<<"$out")
[[ $serial =~ ^ferry-[0-9a-f]{16}$ ]] || fail "generated serial '$serial'"
[[ $(stat -c %a "$work/var/ecu-key.pem") == 600 ]] || fail "ECU key mode"
[[ $(stat -c %a "$work/var/state.db") == 600 ]] || fail "state mode"
[[ $(sqlite3 "$work/var/state.db" "SELECT count(*) FROM trust_metadata WHERE key IN ('director/root','image/root')") -eq 2 ]] ||
	fail "roots not stored"

# idempotent: the same identity, nothing changed
before=$(sqlite3 "$work/var/state.db" "SELECT * FROM identity ORDER BY key; SELECT key, hex(bytes) FROM trust_metadata ORDER BY key")
out=$(run) || fail "second init"
grep -q '"changed":false' <<<"$out" || fail "second init changed something: $out"
grep -q "\"ecu_serial\":\"$serial\"" <<<"$out" || fail "serial changed"
[[ "$(sqlite3 "$work/var/state.db" "SELECT * FROM identity ORDER BY key; SELECT key, hex(bytes) FROM trust_metadata ORDER BY key")" == "$before" ]] ||
	fail "second init changed the database"

# roots in the import dir never replace trusted ones
cp "$FERRY_SHARED_DIR/uptane-vectors/director_root_rotation/1/director/2.root.json" "$work/import/director-root.json"
run >/dev/null || fail "init with another import root"
[[ "$(sqlite3 "$work/var/state.db" "SELECT * FROM identity ORDER BY key; SELECT key, hex(bytes) FROM trust_metadata ORDER BY key")" == "$before" ]] ||
	fail "a trusted root was replaced from the import dir"

# the configuration may not contradict the recorded identity
conf "ecu-serial=another"
if out=$(run); then fail "a changed ECU serial was accepted"; fi
grep -q '"code":"invalid-argument"' <<<"$out" || fail "serial clash: $out"
conf
mv "$work/var/ecu-key.pem" "$work/key.bak"
if out=$(run); then fail "a replaced ECU key was accepted"; fi
mv "$work/key.bak" "$work/var/ecu-key.pem"

# configuration errors name the key
conf "reboot=later"
if run >/dev/null; then fail "reboot=later accepted"; fi
conf "colour=blue"
if run >/dev/null; then fail "unknown key accepted"; fi
grep -q "colour" "$work/err" || fail "unknown key not named: $(cat "$work/err")"
{ echo "[applier]"; echo "state=$work/var/state.db"; } >"$work/applier.conf"
if out=$(run); then fail "no hardware id accepted"; fi
if "$applier" init --config "$work/nope.conf" >/dev/null 2>&1; then fail "missing config file accepted"; fi
echo PASS
