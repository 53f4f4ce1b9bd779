#!/bin/sh
# Host unit test of the module loader: builds the bundled modules and a test-only out-of-tree
# module with the SDK, compiles kernel/module.c natively (ASan + UBSan) and runs test_module_host.
#   kernel/tests/kmod/run.sh [KODIR]     (KODIR: already-built OUT/modules; default: build here)
set -eu
cd "$(dirname "$0")/../../.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmodtest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
kodir=${1:-}
if [ -z "$kodir" ]; then
	kodir=$tmp/ko
	mkdir -p "$kodir"
	for m in softLockup hardLockup spinlock_lockup test_lockup deadlock_abba oops; do
		scripts/emu-module-build --intree -o "$kodir/$m.ko" guest-modules/$m.c
	done
fi
scripts/emu-module-build -o "$tmp/oot_hello.ko" kernel/tests/kmod/oot_hello.c
scripts/emu-module-build --intree -o "$tmp/kmod_exporter.ko" kernel/tests/kmod/kmod_exporter.c
scripts/emu-module-build --intree -o "$tmp/kmod_user.ko" kernel/tests/kmod/kmod_user.c
# the second seed's source must build with the SDK unchanged (compile only)
sed -n '/^#include <linux\/kernel.h>/,/^MODULE_DESCRIPTION/p' guest-modules/hardLockup.c > "$tmp/seed2.c"
scripts/emu-module-build -o "$tmp/seed2.ko" "$tmp/seed2.c"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
build() {
	${HOSTCC:-gcc} -std=gnu11 -g -O1 "$@" -Wall -Wextra -Wno-unused-parameter -DEMU_HOSTTEST -Ikernel/tests/kmod \
		-o "$tmp/test_module_host" kernel/tests/kmod/test_module_host.c kernel/module.c
}
if ! build $san 2>"$tmp/san.log"; then
	echo "kmod host test: sanitizers unavailable, building without them" >&2
	build
fi
ASAN_OPTIONS=detect_leaks=0 "$tmp/test_module_host" "$kodir" "$tmp/oot_hello.ko"
