#!/usr/bin/env bash
# The main job, end to end, on a fresh Debian 12 machine: install what is
# missing, build, and let the device-side verifier check real Uptane metadata
# sets — the Torizon offline-update lockbox and an Uptane test vector — with a
# fresh device state, showing what it accepts and what it refuses.
set -euo pipefail
cd "$(dirname "$0")"
shared=${FERRY_SHARED_DIR:-$(cd .. && pwd)/shared}

scripts/install-deps.sh
echo "== building ferry (build/gcc)"
cmake -S . -B build/gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFERRY_WERROR=ON >/dev/null
cmake --build build/gcc -j"$(nproc)" --target ferry-applier >/dev/null
applier=build/gcc/applier/ferry-applier

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@" || printf '(exit code %d)\n' "$?"; }

say "1. A Torizon offline-update lockbox (PURE-2), as a device with hardware id hw1 sees it"
echo "   The device was provisioned with director root v1; the medium carries roots 1-3,"
echo "   the offline-snapshot and the lockbox 'test1'. Time pinned to 2024-01-01."
cp -r "$shared/fixtures/torizon-offline1" "$work/stick"
run "$applier" check --metadata "$work/stick" --state "$work/device.db" \
	--hardware-id hw1 --ecu-serial serial1 \
	--init-director-root "$shared/fixtures/torizon-offline1/metadata/director/1.root.json" \
	--now 2024-01-01T20:01:00Z

say "2. The same stick again: nothing newer, nothing older, accepted again (no state change)"
run "$applier" check --metadata "$work/stick" --state "$work/device.db" \
	--hardware-id hw1 --ecu-serial serial1 --now 2024-01-01T20:01:00Z

say "3. The same stick today: root v3 expired on 2024-06-11, so it is refused"
run "$applier" check --metadata "$work/stick" --state "$work/device.db" \
	--hardware-id hw1 --ecu-serial serial1 --json

say "4. An online Uptane pair (the 'simple' test vector): director + image repository"
v="$shared/uptane-vectors"
run "$applier" check --metadata "$v/simple/0" --state "$work/vector.db" \
	--hardware-id test_primary_hardware_id --ecu-serial test_primary_ecu_serial \
	--init-director-root "$v/simple/0/director/1.root.json" \
	--init-image-root "$v/simple/0/image_repo/1.root.json" --now 2025-01-01T00:00:00Z

say "5. A forged director root rotation (only the new key signed 2.root.json) is refused"
run "$applier" check --metadata "$v/director_root_rotation_no_original_signature/1" \
	--state "$work/vector.db" \
	--hardware-id test_primary_hardware_id --ecu-serial test_primary_ecu_serial \
	--now 2025-01-01T00:00:00Z

say "6. What the device trusts now"
run sqlite3 "$work/vector.db" "SELECT key, version FROM trust_metadata ORDER BY key"
