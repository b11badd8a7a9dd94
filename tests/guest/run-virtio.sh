#!/bin/sh
# Run tests/guest/virtio_robust.elf with a virtio-blk disk and a virtio-rng
# device, on Reprise ($REPRISE) or, when REPRISE is empty, on QEMU ($QEMU,
# default qemu-system-riscv64). Makes a fresh 64 KiB raw image whose sector
# s holds "reprise sec %04d" 32 times (the guest checks that pattern and
# writes sector 10). On Reprise the guest is also asked (-append
# virtio.malformed) to feed the device malformed rings and descriptors;
# QEMU 7.2 is not asked: it ignores or acts on much of that input.
# Set VIRTIO_APPEND to override the -append string (virtio.observe prints
# what the emulator does with each malformed case instead of checking).
# Exit status: 0 pass, 1 fail, 77 skip (emulator binary missing).
# Usage: run-virtio.sh virtio_robust.elf   Environment: REPRISE, QEMU,
# GUEST_TIMEOUT, VIRTIO_APPEND, REPRISE_CMD (run or record; default run)
#        run-virtio.sh --make-image FILE    (only write the disk image)
set -u

make_image() {
	s=0
	while [ $s -lt 128 ]; do
		line=$(printf 'reprise sec %04d' $s)
		i=0
		while [ $i -lt 32 ]; do
			printf '%s' "$line"
			i=$((i + 1))
		done
		s=$((s + 1))
	done >"$1"
	[ "$(wc -c <"$1")" -eq 65536 ]
}

if [ $# -eq 2 ] && [ "$1" = --make-image ]; then
	make_image "$2"
	exit
fi
if [ $# -ne 1 ]; then
	echo "usage: $0 virtio_robust.elf | --make-image FILE" >&2
	exit 2
fi
elf=$1
timeout_s=${GUEST_TIMEOUT:-60}
. "$(dirname "$0")/lib/runner.sh"
pick_emulator "$elf"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/reprise-virtio.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
img=$tmp/disk.img
if ! make_image "$img"; then
	echo "FAIL $elf: could not build the disk image"
	exit 1
fi

# QEMU's own spelling, which Reprise accepts too: the first -device lands in
# the highest free virtio-mmio slot (7), the second in slot 6.
devs="-global virtio-mmio.force-legacy=false
-drive file=$img,format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0
-device virtio-rng-device"

if $on_reprise; then
	append=${VIRTIO_APPEND-virtio.malformed}
	# shellcheck disable=SC2086
	set -- "$emu" "${REPRISE_CMD:-run}" -M virt -m 128M -bios none -kernel "$elf" \
		-nographic $devs
	if [ "${REPRISE_CMD:-run}" = record ]; then
		set -- "$@" -o "$tmp/virtio.rec"
	fi
else
	append=${VIRTIO_APPEND-}
	# shellcheck disable=SC2086
	set -- "$emu" -M virt -m 128M -bios none -kernel "$elf" -nographic -monitor none $devs
fi
if [ -n "$append" ]; then
	set -- "$@" -append "$append"
fi
repro="$0 $elf (image: 128 sectors of 'reprise sec %04d' x 32)"
judge "$elf" "$timeout_s" "$@"
