#!/usr/bin/env bash
# Bundle creation for a realistic tree: a Debian 12 minbase rootfs (debootstrap,
# about 200 MB) v1 -> v2 with a few packages added. Side by side, in one run:
#   raw:   ostree static-delta generate (delta + from-scratch) + tar
#   ferry: ferry bundle create --from v1 --from-scratch (cold cache, 1 job and
#          all cores), and again with the cache warm
# Prints a Markdown table. Needs root (debootstrap, chroot) and apt reachable.
# Usage: bench/bench-bundle.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
work=${2:-$(mktemp -d)}
ferry="$build/bundler/ferry"
if [[ ! -x $ferry ]]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" --target ferry >/dev/null
fi
for tool in debootstrap zstd bc; do command -v $tool >/dev/null || apt-get install -y -q $tool >/dev/null; done
mkdir -p "$work"
cd "$work"
if [[ ! -d rootfs1 ]]; then
	debootstrap --variant=minbase bookworm rootfs1.tmp http://deb.debian.org/debian >debootstrap.log 2>&1
	mv rootfs1.tmp rootfs1
fi
if [[ ! -d rootfs2 ]]; then
	cp -a rootfs1 rootfs2.tmp
	chroot rootfs2.tmp apt-get install -y -q --no-install-recommends curl jq less nano >apt.log 2>&1
	chroot rootfs2.tmp apt-get clean
	mv rootfs2.tmp rootfs2
fi
rm -rf repo ws raw && mkdir raw
ostree init --repo=repo --mode=archive
# device files and /proc-like mounts are not content
c1=$(ostree commit --repo=repo -b os --tree=dir=rootfs1 --owner-uid=0 --owner-gid=0 --no-xattrs -s v1 \
	--skip-list=<(printf '/dev\n/proc\n/sys\n'))
c2=$(ostree commit --repo=repo -b os --tree=dir=rootfs2 --owner-uid=0 --owner-gid=0 --no-xattrs -s v2 \
	--skip-list=<(printf '/dev\n/proc\n/sys\n'))
size1=$(du -sm rootfs1 | cut -f1)
size2=$(du -sm rootfs2 | cut -f1)

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

raw=$(t bash -c "ostree static-delta generate --repo=repo --from=$c1 --to=$c2 --inline --min-fallback-size=0 --filename=raw/d1 &&
	ostree static-delta generate --repo=repo --empty --to=$c2 --inline --min-fallback-size=0 --filename=raw/d2 &&
	tar -cf raw/raw.tar -C raw d1 d2")
d1=$(stat -c %s raw/d1)
d2=$(stat -c %s raw/d2)

export FERRY_WORKSPACE="$work/ws"
"$ferry" env init bench >/dev/null
"$ferry" image add --env bench --repo repo --commit "$c1" --name os --version 1 --hardware-id hw >/dev/null
"$ferry" image add --env bench --repo repo --commit "$c2" --name os --version 2 --hardware-id hw >/dev/null
seq1=$(FERRY_DELTA_JOBS=1 t "$ferry" bundle create --env bench --name b --image os-2 --from "$c1" --from-scratch -o seq.ferry)
rm -rf ws/envs/bench/deltas
par=$(t "$ferry" bundle create --env bench --name b --image os-2 --from "$c1" --from-scratch -o par.ferry)
warm=$(t "$ferry" bundle create --env bench --name b --image os-2 --from "$c1" --from-scratch -o warm.ferry)
bsize=$(stat -c %s par.ferry)
zsize=$(zstd -q -19 -T0 -c raw/d1 | wc -c)

printf '| rootfs v1 / v2 | raw: 2 x static-delta generate + tar | ferry, 1 job (cold) | ferry, %s jobs (cold) | ferry (deltas cached) | ratio ferry cold / raw |\n' "$(nproc)"
printf '|---|---:|---:|---:|---:|---:|\n'
printf '| %s MB / %s MB | %.1f s | %.1f s | %.1f s | %.2f s | %.2f |\n' "$size1" "$size2" "$raw" "$seq1" "$par" "$warm" "$(echo "$par / $raw" | bc -l)"
echo
printf '| delta v1->v2 | delta from scratch | bundle | bundle - deltas | delta v1->v2 with zstd -19 |\n|---:|---:|---:|---:|---:|\n'
printf '| %s | %s | %s | %s | %s |\n' "$d1" "$d2" "$bsize" "$((bsize - d1 - d2))" "$zsize"
