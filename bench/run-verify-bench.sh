#!/usr/bin/env bash
# Verification of a targets.json of 10,000 and 100,000 targets: ferry's trusted
# set vs the same work in python3-securesystemslib, in one run, on the same files.
# Usage: bench/run-verify-bench.sh [BUILD_DIR]   (prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
if [[ ! -x $build/bench/bench-verify-targets ]]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" --target bench-verify-targets >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| targets | targets.json | ferry best / median | ferry peak RSS | securesystemslib best / median | its peak RSS | time ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in 10000 100000; do
	"$build/bench/bench-verify-targets" generate "$n" "$work/$n" >/dev/null
	f=$("$build/bench/bench-verify-targets" verify "$work/$n" 5)
	p=$(/usr/bin/python3 bench/verify_securesystemslib.py "$work/$n" 5)
	/usr/bin/python3 - "$n" "$f" "$p" <<'PY'
import json, sys
n, f, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"| {int(n):,} | {f['targets_bytes']/1048576:.1f} MiB | {f['best_s']*1000:.0f} / {f['median_s']*1000:.0f} ms "
      f"| {f['peak_rss_kib']/1024:.0f} MiB | {p['best_s']*1000:.0f} / {p['median_s']*1000:.0f} ms "
      f"| {p['peak_rss_kib']/1024:.0f} MiB | {f['best_s']/p['best_s']:.2f} |")
PY
done
