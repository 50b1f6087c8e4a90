#!/usr/bin/env bash
# ferry env init / export-trust, checked by an independent implementation.
set -euo pipefail
ferry=$1
py=${PYTHON3:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ws="$work/ws"

# no workspace: a usage error
set +e; env -u FERRY_WORKSPACE "$ferry" env init prod >/dev/null 2>&1; rc=$?; set -e
[[ $rc -eq 2 ]] || fail "no workspace: exit $rc"

for type in ed25519 ecdsa rsa; do
	FERRY_WORKSPACE="$ws" "$ferry" env init "prod-$type" --key-type "$type" >/dev/null ||
		fail "env init $type"
	env="$ws/envs/prod-$type"
	[[ $(stat -c %a "$env/keys") == 700 ]] || fail "keys dir mode"
	for k in "$env"/keys/*.pem; do [[ $(stat -c %a "$k") == 600 ]] || fail "mode of $k"; done
	[[ $(ls "$env"/keys/*.pem | wc -l) -eq 7 ]] || fail "seven keys"
	[[ -f $env/ostree/config ]] && grep -q 'mode=archive' "$env/ostree/config" || fail "archive repo"
	"$py" "$FERRY_SRCDIR/tests/data/gen/verify-repo.py" "$env/image-repo" "$env/director" >/dev/null ||
		fail "securesystemslib rejects $type metadata"
done

# the same name again: refused, nothing changed, no temporary left behind
before=$(find "$ws" -type f -exec sha256sum {} + | sort)
set +e; "$ferry" --workspace "$ws" env init prod-ed25519 >/dev/null 2>&1; rc=$?; set -e
[[ $rc -eq 1 ]] || fail "duplicate env: exit $rc"
[[ "$(find "$ws" -type f -exec sha256sum {} + | sort)" == "$before" ]] || fail "duplicate env changed files"
[[ -z $(find "$ws/envs" -maxdepth 1 -name '.init-*') ]] || fail "temporary left behind"

# bad names
for bad in "../x" ".hidden" "a/b" ""; do
	set +e; "$ferry" --workspace "$ws" env init "$bad" >/dev/null 2>&1; rc=$?; set -e
	[[ $rc -ne 0 ]] || fail "bad name '$bad' accepted"
done
[[ ! -e $work/x ]] || fail "escaped the workspace"

# export-trust: the two roots, nothing secret
"$ferry" --workspace "$ws" env export-trust prod-ed25519 "$work/trust" >/dev/null
cmp "$work/trust/director-root.json" "$ws/envs/prod-ed25519/director/root.json" || fail "director root"
cmp "$work/trust/image-root.json" "$ws/envs/prod-ed25519/image-repo/root.json" || fail "image root"
[[ $(ls "$work/trust" | wc -l) -eq 2 ]] || fail "export-trust wrote more than the roots"
! grep -rq "PRIVATE KEY" "$work/trust" || fail "a private key was exported"
set +e; "$ferry" --workspace "$ws" env export-trust nope "$work/t2" >/dev/null 2>&1; rc=$?; set -e
[[ $rc -eq 1 ]] || fail "unknown env: exit $rc"

# the ledger is append-only, enforced by the database itself
db="$ws/envs/prod-ed25519/ledger.db"
[[ $(sqlite3 "$db" "SELECT count(*) FROM events WHERE kind = 'env-created'") -eq 1 ]] || fail "ledger event"
sqlite3 "$db" "INSERT INTO images (name, version, commit_checksum, hardware_ids, target, added_at, added_by) VALUES ('os', '1', 'ab', '[]', 'os-1', 0, 't')"
sqlite3 "$db" "INSERT INTO bundles (name, version, sha256, members, created_at, created_by) VALUES ('b', 1, 'cd', '[]', 0, 't')"
for sql in "DELETE FROM events" "UPDATE events SET kind = 'x'" "DELETE FROM images" "UPDATE bundles SET name = 'x'"; do
	if sqlite3 "$db" "$sql" 2>/dev/null; then fail "ledger accepted: $sql"; fi
done
[[ $(sqlite3 "$db" "SELECT count(*) FROM events") -eq 1 ]] || fail "ledger rows changed"
[[ $(sqlite3 "$db" "SELECT name FROM bundles") == b ]] || fail "bundle row changed"
[[ $(sqlite3 "$db" "SELECT count(*) FROM images") -eq 1 ]] || fail "image row deleted"
echo PASS
