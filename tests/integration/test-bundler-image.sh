#!/usr/bin/env bash
# ferry image add / list with a real OSTree repository.
set -euo pipefail
ferry=$1
py=${PYTHON3:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export FERRY_WORKSPACE="$work/ws"
repo="$work/src"

tree() { # tree DIR VERSION: a tiny OS tree
	mkdir -p "$1/usr/lib/modules/6.1.0" "$1/usr/bin"
	echo "ID=ferrytest" >"$1/usr/lib/os-release"
	echo "kernel $2" >"$1/usr/lib/modules/6.1.0/vmlinuz"
	echo "app $2" >"$1/usr/bin/app"
}
ostree init --repo="$repo" --mode=archive
tree "$work/t1" 1; tree "$work/t2" 2
c1=$(ostree commit --repo="$repo" --branch=os/x86_64 --tree=dir="$work/t1" -s v1)
c2=$(ostree commit --repo="$repo" --branch=os/x86_64 --tree=dir="$work/t2" -s v2)
"$ferry" env init dev >/dev/null
env="$work/ws/envs/dev"
snap() { find "$env" -path "$env/ostree/objects" -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; }

"$ferry" image add --env dev --repo "$repo" --commit "$c1" --name os --version 1 --hardware-id hw-a >/dev/null ||
	fail "add v1 by commit"
"$ferry" image add --env dev --repo "$repo" --ref os/x86_64 --name os --version 2 --hardware-id hw-a \
	--hardware-id hw-b >/dev/null || fail "add v2 by ref"
"$py" "$FERRY_SRCDIR/tests/data/gen/verify-repo.py" "$env/image-repo" "$env/director" >/dev/null ||
	fail "securesystemslib rejects the re-signed repository"
"$py" - "$env/image-repo" "$c1" "$c2" <<'PY' || fail "targets content"
import json, sys
d, c1, c2 = sys.argv[1:]
t = json.load(open(f"{d}/targets.json"))["signed"]
assert t["version"] == 3, t["version"]
assert t["targets"]["os-1"]["hashes"]["sha256"] == c1 and t["targets"]["os-1"]["length"] == 0
e = t["targets"]["os-2"]
assert e["hashes"]["sha256"] == c2 and e["custom"]["hardwareIds"] == ["hw-a", "hw-b"]
assert e["custom"]["targetFormat"] == "OSTREE" and e["custom"]["version"] == "2"
for f in ("snapshot", "timestamp"):
    assert json.load(open(f"{d}/{f}.json"))["signed"]["version"] == 3
PY
[[ $(ostree --repo="$env/ostree" rev-parse ferry/images/os/2) == "$c2" ]] || fail "pin ref"
ostree --repo="$env/ostree" fsck >/dev/null || fail "fsck"

# the same image again: a no-op
before=$(snap)
"$ferry" image add --env dev --repo "$repo" --commit "$c2" --name os --version 2 --hardware-id hw-a >/dev/null ||
	fail "re-adding the same image"
[[ "$(snap)" == "$before" ]] || fail "re-adding changed the environment"

# refusals: each exits non-zero and changes nothing
expect_fail() {
	local what=$1; shift
	if "$ferry" "$@" >/dev/null 2>"$work/err"; then fail "$what accepted"; fi
	[[ -s $work/err ]] || fail "$what: no message"
	[[ "$(snap)" == "$before" ]] || fail "$what changed the environment"
}
expect_fail "another commit for os 2" image add --env dev --repo "$repo" --commit "$c1" --name os --version 2 --hardware-id hw-a
grep -q "already" "$work/err" || fail "clash message: $(cat "$work/err")"
expect_fail "unknown ref" image add --env dev --repo "$repo" --ref nope --name os --version 3 --hardware-id hw-a
expect_fail "unknown commit" image add --env dev --repo "$repo" --commit "$(printf '%064d' 0)" --name os --version 3 --hardware-id hw-a
expect_fail "bad checksum" image add --env dev --repo "$repo" --commit xyz --name os --version 3 --hardware-id hw-a
expect_fail "no hardware id" image add --env dev --repo "$repo" --commit "$c1" --name os --version 3
expect_fail "unknown env" image add --env qa --repo "$repo" --commit "$c1" --name os --version 3 --hardware-id hw-a
expect_fail "not a repository" image add --env dev --repo "$work/t1" --commit "$c1" --name os --version 3 --hardware-id hw-a
expect_fail "path in a name" image add --env dev --repo "$repo" --commit "$c1" --name ../os --version 3 --hardware-id hw-a

"$ferry" image list --env dev --json | "$py" -c '
import json, sys
l = json.load(sys.stdin)
assert [i["target"] for i in l] == ["os-1", "os-2"], l' || fail "image list"
[[ $(sqlite3 "$env/ledger.db" "SELECT count(*) FROM images") -eq 2 ]] || fail "ledger rows"
echo PASS
