#!/usr/bin/env bash
# Installs the Debian 12 packages ferry needs to build, test and run its demo.
# Only what is missing is installed; nothing happens when all are present.
set -euo pipefail

packages=(
	# toolchains and build
	gcc clang libclang-rt-14-dev cmake make pkg-config git
	# libraries
	libglib2.0-dev libssl-dev libsqlite3-dev libarchive-dev libzstd-dev
	libudev-dev libostree-dev libcurl4-openssl-dev
	# tools the tests and the demo call
	ostree sqlite3 python3 python3-securesystemslib python3-nacl python3-cryptography
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "ferry: installing missing Debian packages: ${missing[*]}"
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
