#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (missing packages), builds ferry twice —
# gcc with -Werror, and clang with ASan+UBSan and libFuzzer — and runs the
# whole test suite in both, with a short smoke run of every fuzz target.
# ctest's summary is the last thing printed; the exit code says pass/fail.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build/gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFERRY_WERROR=ON >/dev/null
cmake --build build/gcc -j"$jobs"
CC=clang cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DFERRY_WERROR=ON \
	-DFERRY_SANITIZE=ON -DFERRY_FUZZ=ON >/dev/null
cmake --build build/asan -j"$jobs"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:verify_asan_link_order=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
echo "== gcc build (-Werror)"
ctest --test-dir build/gcc --output-on-failure -j"$jobs" || rc=1
echo "== clang build (ASan+UBSan, fuzz smoke runs)"
ctest --test-dir build/asan --output-on-failure -j"$jobs" || rc=1
exit $rc
