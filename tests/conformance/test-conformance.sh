#!/usr/bin/env bash
# ferry-tuf-client against a TUF repository made by an independent generator
# (securesystemslib) and served by python3 -m http.server on 127.0.0.1.
set -euo pipefail
client=$1
py=${PYTHON3:-/usr/bin/python3}
gen="$FERRY_SRCDIR/tests/data/gen/gen-tuf-repo.py"
work=$(mktemp -d)
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f $work/server.log ]] && tail -5 "$work/server.log" >&2; exit 1; }

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/www"
"$py" -m http.server --bind 127.0.0.1 "$port" --directory "$work/www" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
	"$py" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
	sleep 0.1
done

serve() { # serve VARIANT: regenerate the repository into www/
	rm -rf "$work/www/repo"
	"$py" "$gen" "$work/www/repo" ${1:+--variant "$1"}
}
url="http://127.0.0.1:$port/repo"
run() { "$client" --metadata-url "$url/metadata" --metadata-dir "$work/meta" "$@"; }

serve ""
"$client" --metadata-dir "$work/meta" init "$work/www/repo/trusted-root.json"
run refresh || fail "refresh"
for f in root timestamp snapshot targets; do [[ -f $work/meta/$f.json ]] || fail "no $f.json"; done
"$py" -c "import json,sys; v=json.load(open('$work/meta/root.json'))['signed']['version']; sys.exit(v!=2)" ||
	fail "root not rotated to version 2"

names=(file1.txt delegated/file2.txt delegated/deep/file3.txt)
args=()
for n in "${names[@]}"; do args+=(--target-name "$n"); done
run "${args[@]}" --target-dir "$work/targets" --target-base-url "$url/targets" download ||
	fail "download"
for n in "${names[@]}"; do
	local_name=$("$py" -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$n")
	cmp "$work/targets/$local_name" "$work/www/repo/content/$n" || fail "content of $n"
done
[[ -f $work/meta/role1.json && -f $work/meta/role2.json ]] || fail "delegated roles not stored"

# a second download reuses the verified files: no target is fetched again
before=$(grep -c 'GET /repo/targets/' "$work/server.log")
run "${args[@]}" --target-dir "$work/targets" --target-base-url "$url/targets" download ||
	fail "second download"
after=$(grep -c 'GET /repo/targets/' "$work/server.log")
[[ $before -eq $after ]] || fail "cached targets were downloaded again ($before -> $after)"

# a target that does not exist
if run --target-name nope.txt --target-dir "$work/targets" --target-base-url "$url/targets" download 2>/dev/null; then
	fail "unknown target accepted"
fi

# a served file that does not match its metadata: refused, nothing written
rm -rf "$work/meta" "$work/targets2"
serve bad-target-hash
"$client" --metadata-dir "$work/meta" init "$work/www/repo/trusted-root.json"
if run --target-name delegated/file2.txt --target-dir "$work/targets2" --target-base-url "$url/targets" download 2>/dev/null; then
	fail "bad target hash accepted"
fi
[[ ! -e $work/targets2/delegated%2Ffile2.txt ]] || fail "bad target written"

# an expired timestamp: refresh fails
rm -rf "$work/meta"
serve expired-timestamp
"$client" --metadata-dir "$work/meta" init "$work/www/repo/trusted-root.json"
if run refresh 2>/dev/null; then fail "expired timestamp accepted"; fi

# snapshot listing another targets version (mix and match): refresh fails
rm -rf "$work/meta"
serve rollback-targets
"$client" --metadata-dir "$work/meta" init "$work/www/repo/trusted-root.json"
if run refresh 2>/dev/null; then fail "targets version mismatch accepted"; fi
echo PASS
