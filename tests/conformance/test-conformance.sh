#!/usr/bin/env bash
# ferry-tuf-client against a TUF repository made by an independent generator
# (tests/data/gen/gen-tuf-repo.py, securesystemslib) and served on 127.0.0.1
# by python3 -m http.server. Usage: test-conformance.sh CLIENT
set -euo pipefail
client=$1
py=${PYTHON3:-/usr/bin/python3}
gen="$FERRY_SRCDIR/tests/data/gen/gen-tuf-repo.py"
fastfwd="$FERRY_SRCDIR/tests/conformance/tuf-fast-forward.py"
# the generator's metadata is valid until 2030-01-01: test at a fixed time
now=2025-01-01T00:00:00Z
work=$(mktemp -d)
server_pid=
passed=0

cleanup() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	[[ -s $work/err ]] && sed 's/^/  stderr: /' "$work/err" >&2
	[[ -f $work/server.log ]] && tail -5 "$work/server.log" | sed 's/^/  server: /' >&2
	echo "$passed passed, 1 failed"
	exit 1
}
ok() {
	echo "ok - $*"
	passed=$((passed + 1))
}

# the server picks a free port itself and says which (-u: unbuffered log)
mkdir -p "$work/www"
: >"$work/server.log" # the background job opens it only once it runs
"$py" -u -m http.server --bind 127.0.0.1 0 --directory "$work/www" >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$work/server.log")
	[[ -n $port ]] && break
	sleep 0.1
done
[[ -n $port ]] || fail "the HTTP server did not start"
url="http://127.0.0.1:$port/repo"
repo="$work/www/repo"

serve() { # serve [VARIANT]: (re)generate the repository the server shows
	rm -rf "$repo"
	"$py" "$gen" "$repo" ${1:+--variant "$1"} 2>"$work/gen.err" || {
		cat "$work/gen.err" >&2
		fail "gen-tuf-repo.py ${1:-}"
	}
}
exp() { # exp NAME KEY: a target's KEY in expected.json; exp: the target names, one a line
	"$py" -c 'import json, sys
e = json.load(open(sys.argv[1]))
print(e[sys.argv[2]][sys.argv[3]] if len(sys.argv) > 2 else "\n".join(e))' "$repo/expected.json" "$@"
}
listed() { # listed ROLE: the version the served snapshot (or timestamp) lists for ROLE
	"$py" -c 'import json, sys
md = sys.argv[1]
meta = json.load(open(md + "/timestamp.json"))["signed"]["meta"]
if sys.argv[2] != "snapshot":
    v = meta["snapshot.json"]["version"]
    meta = json.load(open("%s/%d.snapshot.json" % (md, v)))["signed"]["meta"]
print(meta[sys.argv[2] + ".json"]["version"])' "$repo/metadata" "$1"
}
client() { timeout 60 "$client" "$@" 2>"$work/err"; }
init() { client --metadata-dir "$work/meta" init "$repo/trusted-root.json"; }
# the conformance suite hands out base URLs with a trailing '/'
refresh() { client --now "$now" --metadata-url "$url/metadata/" --metadata-dir "$work/meta" "$@" refresh; }
download() { # download TDIR NAME...
	local tdir=$1 args=()
	shift
	for n in "$@"; do args+=(--target-name "$n"); done
	client --now "$now" --metadata-url "$url/metadata/" --metadata-dir "$work/meta" \
		"${args[@]}" --target-dir "$tdir" --target-base-url "$url/targets/" download
}
fails() { # fails CODE COMMAND...: exits 1 (CLIENT-CLI.md) printing "ferry-tuf-client: ... (CODE)"
	local code=$1 rc=0
	shift
	"$@" || rc=$?
	[[ $rc == 1 ]] || fail "'$*' exited $rc, not 1"
	grep -q "^ferry-tuf-client: .* ($code)\$" "$work/err" || fail "'$*': no '$code' error"
}
gets() { grep -c -F "\"GET /repo/$1 " "$work/server.log" || true; }
target_gets() { grep -c -F '"GET /repo/targets/' "$work/server.log" || true; }
encoded() { "$py" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
version_of() { "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["signed"]["version"])' "$1"; }
listing() { (cd "$1" && echo *); }

# ---- the happy path ----
serve
mapfile -t names < <(exp)
[[ ${#names[@]} -ge 3 ]] || fail "expected.json names ${#names[@]} targets"
v_root=$(ls "$repo/metadata" | sed -n 's/^\([0-9]*\)\.root\.json$/\1/p' | sort -n | tail -1)
v_snapshot=$(listed snapshot)
v_targets=$(listed targets)

init || fail "init"
refresh || fail "refresh"
[[ $(listing "$work/meta") == "root.json snapshot.json targets.json timestamp.json" ]] ||
	fail "metadata dir holds $(listing "$work/meta")"
[[ $(version_of "$work/meta/root.json") == "$v_root" ]] || fail "root not updated to $v_root"
for f in "$v_root.root.json" "$((v_root + 1)).root.json" timestamp.json \
	"$v_snapshot.snapshot.json" "$v_targets.targets.json"; do
	[[ $(gets "metadata/$f") == 1 ]] || fail "refresh did not ask once for $f"
done
ok "init and refresh: root updated to v$v_root, consistent snapshot names, files stored unversioned"

refresh || fail "second refresh"
[[ $(gets metadata/timestamp.json) == 2 ]] || fail "second refresh did not ask for timestamp.json"
[[ $(gets "metadata/$v_snapshot.snapshot.json") == 1 && $(gets "metadata/$v_targets.targets.json") == 1 ]] ||
	fail "second refresh downloaded a snapshot or targets it already had"
ok "second refresh: stored snapshot and targets still listed, not downloaded again"

download "$work/targets" "${names[@]}" || fail "download"
for n in "${names[@]}"; do
	cmp -s "$work/targets/$(encoded "$n")" "$repo/content/$n" || fail "content of $n"
	[[ $(gets "$(exp "$n" served)") == 1 ]] ||
		fail "$n was not fetched once under its hash-prefixed name"
done
for role in role1 role2; do
	[[ -f $work/meta/$role.json ]] || fail "delegated $role not stored"
	[[ $(gets "metadata/$(listed $role).$role.json") == 1 ]] ||
		fail "$role not fetched once under its consistent name"
done
[[ $(ls -A "$work/targets" | wc -l) == "${#names[@]}" ]] || fail "stray files in the target dir"
ok "download: ${#names[@]} targets through the delegations role1 -> role2, verified and stored"

before=$(target_gets)
download "$work/targets" "${names[@]}" || fail "second download"
[[ $(target_gets) == "$before" ]] || fail "cached targets were downloaded again"
[[ $(gets "metadata/$(listed role1).role1.json") == 1 ]] || fail "stored role1 downloaded again"
ok "second download: verified targets and delegated roles reused, nothing fetched"

victim=$(encoded "${names[0]}")
echo tampered >"$work/targets/$victim"
download "$work/targets" "${names[0]}" || fail "download over a tampered cached file"
[[ $(target_gets) == $((before + 1)) ]] || fail "a tampered cached file was not fetched again"
cmp -s "$work/targets/$victim" "$repo/content/${names[0]}" ||
	fail "tampered cached file kept"
ok "a cached file that no longer matches is downloaded again"

fails target-mismatch download "$work/targets" nope.txt
ok "an unknown target fails (target-mismatch)"

# ---- the same repository, changed under the client ----
next_root="$repo/metadata/$(($(version_of "$work/meta/root.json") + 1)).root.json"
head -c 100000 /dev/zero >"$next_root"
fails too-large refresh
[[ $(version_of "$work/meta/root.json") == "$v_root" ]] || fail "root.json changed by a failed refresh"
rm "$next_root"
ok "a root over FERRY_MAX_ROOT_SIZE is cut off (too-large)"

fails expired client --now 2031-01-01T00:00:00Z --metadata-url "$url/metadata" \
	--metadata-dir "$work/meta" refresh
ok "refresh after everything expired fails (expired)"

cp "$repo/metadata/timestamp.json" "$work/timestamp.served"
cp "$work/meta/timestamp.json" "$work/timestamp.stored"
"$py" "$fastfwd" "$repo" resign
refresh || fail "refresh against a re-signed timestamp of the same version"
cmp -s "$work/meta/timestamp.json" "$work/timestamp.stored" || fail "stored timestamp replaced"
ok "a served timestamp of the stored version does not replace it"

cp "$work/timestamp.served" "$repo/metadata/timestamp.json"
"$py" "$fastfwd" "$repo" bump 10
refresh || fail "refresh to a timestamp 10 versions ahead"
v_ahead=$(version_of "$work/meta/timestamp.json")
[[ $v_ahead == $(($(version_of "$work/timestamp.served") + 10)) ]] || fail "timestamp not fast-forwarded"
cp "$work/timestamp.served" "$repo/metadata/timestamp.json"
fails rollback refresh
[[ $(version_of "$work/meta/timestamp.json") == "$v_ahead" ]] || fail "rolled-back timestamp stored"
ok "a timestamp older than the stored one is refused (rollback)"

"$py" "$fastfwd" "$repo" rotate-timestamp-key
snapshots=$(gets "metadata/$v_snapshot.snapshot.json")
refresh || fail "refresh after the timestamp key rotation"
[[ $(version_of "$work/meta/root.json") == $((v_root + 1)) ]] || fail "root not rotated"
[[ $(version_of "$work/meta/timestamp.json") == 1 ]] || fail "timestamp not back at version 1"
[[ $(gets "metadata/$v_snapshot.snapshot.json") == $((snapshots + 1)) ]] || fail "snapshot not fetched again"
[[ ! -e $work/meta/role1.json ]] || fail "delegated role kept across the rotation"
download "$work/targets" "${names[@]}" || fail "download after the rotation"
ok "a new timestamp key forgets the fast-forwarded timestamp and what it vouched for (TUF 5.3.11)"

# ---- broken repositories, each from scratch ----
rm -rf "$work/meta"
serve expired-timestamp
init || fail "init"
fails expired refresh
[[ ! -e $work/meta/timestamp.json ]] || fail "expired timestamp stored"
ok "an expired timestamp fails a fresh refresh (expired) and is not stored"

rm -rf "$work/meta"
serve bad-target-hash
init || fail "init"
fails target-hash download "$work/targets2" delegated/file2.txt
[[ ! -e $work/targets2 || -z $(ls -A "$work/targets2") ]] || fail "bad target written"
ok "a served target that does not match its hashes is refused (target-hash) and not stored"

rm -rf "$work/meta"
serve rollback-targets
init || fail "init"
fails version-mismatch refresh
[[ ! -e $work/meta/targets.json ]] || fail "unlisted targets stored"
ok "targets other than the version snapshot lists are refused (version-mismatch)"

rm -rf "$work/meta" "$work/targets3"
serve forged-role1
init || fail "init"
download "$work/targets3" file1.txt || fail "a top-level target under a forged delegation"
fails signature download "$work/targets3" delegated/file2.txt
[[ $(listing "$work/targets3") == file1.txt && ! -e $work/meta/role1.json ]] ||
	fail "something trusted from the forged role"
ok "a forged delegated role is refused (signature), top-level targets still download"

# ---- the command line ----
rm -rf "$work/meta"
fails not-provisioned refresh
fails type-mismatch client --metadata-dir "$work/meta" init "$repo/metadata/timestamp.json"
fails invalid-argument client --metadata-dir "$work/meta"
fails invalid-argument client --metadata-dir "$work/meta" --now yesterday refresh
fails invalid-argument client --metadata-dir "$work/meta" --no-such-option refresh
fails invalid-argument client --metadata-dir "$work/meta" download
ok "usage errors and a missing trusted root exit 1"

echo "$passed passed, 0 failed"
