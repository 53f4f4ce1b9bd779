#!/usr/bin/env bash
# Builds the guest tree (kernel.elf, *.ko, initramfs) into OUT with make; extra arguments are make
# targets (e.g. hosttest: the kernel's host-side unit tests).
# Called by the guest Maven module; usable by hand: scripts/build-guest.sh build/guest [hosttest]
set -euo pipefail
out=${1:?usage: build-guest.sh OUTDIR [TARGET...]}
shift
for tool in gcc ld make objcopy; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    case $tool in
      gcc) pkg=gcc ;; make) pkg=make ;; *) pkg=binutils ;;
    esac
    echo "emu: cannot build the guest: '$tool' not found; install $pkg (e.g. apt-get install $pkg)" >&2
    exit 1
  fi
done
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if [ $# -eq 0 ]; then
  make -s -f scripts/bench.mk OUT="$out"  # emu bench mips workload (docs/performance.md)
fi
exec make -s -j"$jobs" -f guest.mk OUT="$out" "$@"
