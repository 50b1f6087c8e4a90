#!/usr/bin/env bash
# ferry-applier check, the real binary, on the real Torizon lockbox fixture.
set -euo pipefail
applier=$1
fixture="$FERRY_SHARED_DIR/fixtures/torizon-offline1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$fixture" "$work/stick"
chmod -R u+w "$work/stick"
init="$fixture/metadata/director/1.root.json"
fail() { echo "FAIL: $*" >&2; exit 1; }
dump() { sqlite3 "$work/state.db" "SELECT key, hex(bytes) FROM trust_metadata ORDER BY key; SELECT floor FROM trust_time"; }

# unprovisioned: a root on the stick is not trusted on first use
set +e
out=$("$applier" check --metadata "$work/stick" --state "$work/state.db" --hardware-id hw1 \
	--ecu-serial serial1 --now 2024-01-01T20:01:00Z --json 2>/dev/null); rc=$?
set -e
[[ $rc -eq 1 ]] || fail "unprovisioned: exit $rc"
grep -q '"code":"not-provisioned"' <<<"$out" || fail "unprovisioned: $out"

# the fixture's documented time: accepted, lockbox test1, upstream's correlation id
out=$("$applier" check --metadata "$work/stick" --state "$work/state.db" --hardware-id hw1 \
	--ecu-serial serial1 --init-director-root "$init" --now 2024-01-01T20:01:00Z --json)
grep -q '"ok":true' <<<"$out" || fail "fixture: $out"
grep -q '"lockbox":"test1"' <<<"$out" || fail "lockbox: $out"
grep -q '"correlation_id":"urn:tdx-ota:lockbox:test1:1:188c4ce5faa5"' <<<"$out" || fail "correlation id: $out"
grep -q '"targets":\[\]' <<<"$out" || fail "hw1 gets nothing: $out"
grep -q '"director_root":3' <<<"$out" || fail "root chain 1-2-3: $out"
before=$(dump)

# again: idempotent
"$applier" check --metadata "$work/stick" --state "$work/state.db" --hardware-id hw1 \
	--ecu-serial serial1 --now 2024-01-01T20:01:00Z >/dev/null || fail "second run"
[[ "$(dump)" == "$before" ]] || fail "second run changed the state"

# today: root v3 has expired; refused, state unchanged
set +e
out=$("$applier" check --metadata "$work/stick" --state "$work/state.db" --hardware-id hw1 \
	--ecu-serial serial1 --json 2>/dev/null); rc=$?
set -e
[[ $rc -eq 1 ]] || fail "today: exit $rc"
grep -q '"code":"expired"' <<<"$out" || fail "today: $out"
[[ "$(dump)" == "$before" ]] || fail "expired run changed the state"

# a qemuarm64 device: the target applies, but the image repository is not on the stick
set +e
out=$("$applier" check --metadata "$work/stick" --state "$work/state.db" --hardware-id qemuarm64 \
	--ecu-serial serial1 --init-image-root "$FERRY_SHARED_DIR/uptane-vectors/simple/0/image_repo/1.root.json" --now 2024-01-01T20:01:00Z --json 2>/dev/null); rc=$?
set -e
[[ $rc -eq 1 ]] || fail "qemuarm64: exit $rc"
grep -q '"code":"not-found"' <<<"$out" || fail "qemuarm64: $out"
[[ "$(dump)" == "$before" ]] || fail "qemuarm64 run changed the state"

# a tampered lockbox: refused, state unchanged
sed -i 's/qemuarm64/qemuarm65/' "$work/stick/metadata/director/test1.json"
set +e
out=$("$applier" check --metadata "$work/stick" --state "$work/state.db" --hardware-id hw1 \
	--ecu-serial serial1 --now 2024-01-01T20:01:00Z --json 2>/dev/null); rc=$?
set -e
[[ $rc -eq 1 ]] || fail "tampered: exit $rc"
grep -q '"code":"hash-mismatch"\|"code":"signature"' <<<"$out" || fail "tampered: $out"
[[ "$(dump)" == "$before" ]] || fail "tampered run changed the state"

# usage errors exit 2
set +e
"$applier" check --metadata "$work/stick" >/dev/null 2>&1; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "usage: exit $rc"
echo "PASS"
