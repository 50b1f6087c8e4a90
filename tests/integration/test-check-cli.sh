#!/usr/bin/env bash
# ferry-applier check, the real binary, on the real Torizon lockbox fixture
# (metadata/director/ only; see its README.md).
set -euo pipefail
applier=$1
py=${PYTHON3:-/usr/bin/python3}
fixture="$FERRY_SHARED_DIR/fixtures/torizon-offline1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# the fixture is read-only: work on a copy with its real layout
cp -r "$fixture" "$work/stick"
chmod -R u+w "$work/stick"
init="$fixture/metadata/director/1.root.json"
when=2024-01-01T20:01:00Z
db="$work/state.db"

# every row of the trust state, updated_at included: "unchanged" means not even rewritten
dump() { sqlite3 "$1" "SELECT key, version, hex(bytes), updated_at FROM trust_metadata ORDER BY key; SELECT floor FROM trust_time"; }
# run CMD...: sets rc, out (stdout) and err (stderr)
run() {
	set +e
	out=$("$@" 2>"$work/stderr"); rc=$?
	set -e
	err=$(cat "$work/stderr")
}
check() { run "$applier" check --metadata "$work/stick" --ecu-serial serial1 "$@"; }
# json EXPR: a Python expression over the JSON document j, which must hold
json() { "$py" -c 'import json, sys; j = json.loads(sys.argv[2]); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$out" || fail "expected $1 in: $out"; }
expect_refused() { # CODE: exit 1, the JSON error code, a message on stderr
	[[ $rc -eq 1 ]] || fail "expected exit 1 ($1), got $rc: $out $err"
	json "j['ok'] is False and j['error']['code'] == '$1' and j['targets'] == []"
	[[ $err == "ferry-applier: "* ]] || fail "stderr: $err"
}

# --- unprovisioned: a root on the stick is never trusted on first use
check --state "$db" --hardware-id hw1 --now "$when" --json
expect_refused not-provisioned
[[ $(sqlite3 "$db" "SELECT count(*) FROM trust_metadata") -eq 0 ]] || fail "unprovisioned run stored metadata"
[[ $(stat -c %a "$db") == 600 ]] || fail "state database mode $(stat -c %a "$db")"

# --- the fixture's documented time: accepted, lockbox test1, upstream's correlation id
check --state "$db" --hardware-id hw1 --init-director-root "$init" --now "$when" --json
[[ $rc -eq 0 ]] || fail "fixture: exit $rc: $out $err"
json "j['ok'] is True and j['error'] is None and j['targets'] == []"
json "j['offline'] is True and j['lockbox'] == 'test1'"
json "j['correlation_id'] == 'urn:tdx-ota:lockbox:test1:1:188c4ce5faa5'"
json "j['versions'] == {'director_root': 3, 'director_targets': 1, 'image_root': 0, 'image_targets': 0}"
json "j['trusted_time'] == '$when'"
[[ $(sqlite3 "$db" "SELECT key || ':' || version FROM trust_metadata ORDER BY key" | tr '\n' ' ') == \
	"director/offline-snapshot:2 director/offline-updates/test1:1 director/root:3 " ]] || fail "stored rows"
before=$(dump "$db")

# --- again, human output, no init root needed any more: idempotent, nothing rewritten
sleep 1 # a rewrite would show in updated_at
check --state "$db" --hardware-id hw1 --now "$when"
[[ $rc -eq 0 ]] || fail "second run: exit $rc: $err"
grep -q '^verdict: verified$' <<<"$out" || fail "human verdict: $out"
grep -q "lockbox 'test1' v1 (correlation id urn:tdx-ota:lockbox:test1:1:188c4ce5faa5)" <<<"$out" || fail "human lockbox: $out"
grep -q '^targets: none for this device$' <<<"$out" || fail "human targets: $out"
[[ "$(dump "$db")" == "$before" ]] || fail "second run changed the state"

# --- today: root v3 expired on 2024-06-11; refused, state unchanged
check --state "$db" --hardware-id hw1 --json
expect_refused expired
[[ "$(dump "$db")" == "$before" ]] || fail "expired run changed the state"
check --state "$db" --hardware-id hw1
[[ $rc -eq 1 ]] && grep -q '^verdict: refused (expired)$' <<<"$out" || fail "human refusal: $rc $out"

# --- the trusted time never goes back: an earlier --now is raised to the floor
check --state "$db" --hardware-id hw1 --now 2020-01-01T00:00:00Z --json
[[ $rc -eq 0 ]] || fail "earlier now: exit $rc: $out"
json "j['trusted_time'] == '$when'"

# --- a qemuarm64 device: the target applies to it, so the image repository is needed
check --state "$db" --hardware-id qemuarm64 --now "$when" --json
expect_refused not-provisioned # no image root provisioned
# provisioned with an image root, it fails on the missing image metadata
check --state "$db" --hardware-id qemuarm64 --now "$when" --json \
	--init-image-root "$FERRY_SHARED_DIR/uptane-vectors/simple/0/image_repo/1.root.json"
expect_refused not-found
[[ "$(dump "$db")" == "$before" ]] || fail "qemuarm64 run changed the state"

# --- hostile media: refused, state unchanged
cp -r "$work/stick" "$work/good"
sed -i 's/qemuarm64/qemuarm65/' "$work/stick/metadata/director/test1.json"
check --state "$db" --hardware-id hw1 --now "$when" --json
[[ $rc -eq 1 ]] || fail "tampered: exit $rc"
json "j['error']['code'] in ('hash-mismatch', 'signature')"
[[ "$(dump "$db")" == "$before" ]] || fail "tampered run changed the state"

rm -rf "$work/stick"; cp -r "$work/good" "$work/stick"
mv "$work/stick/metadata/director/offline-snapshot.json" "$work/elsewhere.json"
ln -s "$work/elsewhere.json" "$work/stick/metadata/director/offline-snapshot.json"
check --state "$db" --hardware-id hw1 --now "$when" --json
expect_refused format # links on the medium are never followed
[[ "$(dump "$db")" == "$before" ]] || fail "symlink run changed the state"
rm -rf "$work/stick"; cp -r "$work/good" "$work/stick"

# --- provisioning files are capped like everything else
head -c 70000 /dev/zero >"$work/huge-root.json"
check --state "$work/fresh.db" --hardware-id hw1 --now "$when" --json --init-director-root "$work/huge-root.json"
expect_refused too-large

# --- usage errors exit 2, with a message
run "$applier" check --metadata "$work/stick"
[[ $rc -eq 2 && $err == "ferry-applier: "* ]] || fail "missing options: exit $rc: $err"
check --state "$db" --hardware-id hw1 --now yesterday
[[ $rc -eq 2 && $err == "ferry-applier: --now: "* ]] || fail "bad --now: exit $rc: $err"
run "$applier" check --no-such-option
[[ $rc -eq 2 ]] || fail "unknown option: exit $rc"
run "$applier" no-such-command
[[ $rc -eq 2 ]] || fail "unknown command: exit $rc"
run "$applier"
[[ $rc -eq 2 ]] || fail "no command: exit $rc"

# --- --version and --help
run "$applier" --version
[[ $rc -eq 0 && $out == "ferry-applier "* ]] || fail "--version: $rc $out"
run "$applier" --help
[[ $rc -eq 0 && $out == *check* ]] || fail "--help: $rc"
run "$applier" check --help
[[ $rc -eq 0 && $out == *--init-director-root* ]] || fail "check --help: $rc"
echo PASS
