#!/bin/sh
# Run tests/guest/virtio_net.elf with a virtio-net card on a user-mode
# network (-netdev user), on Reprise ($REPRISE) or, when REPRISE is empty, on
# QEMU ($QEMU, default qemu-system-riscv64). NET_LEGACY=false selects the
# modern virtio-mmio layout (default: legacy, QEMU 7.2's default). On
# Reprise the guest is also asked (-append virtio.malformed) to feed the
# card broken buffers; set NET_APPEND to override the -append string.
# Exit status: 0 pass, 1 fail, 77 skip (emulator binary missing).
# Usage: run-net.sh virtio_net.elf   Environment: REPRISE, QEMU, GUEST_TIMEOUT,
#        NET_LEGACY, NET_APPEND
set -u
if [ $# -ne 1 ]; then
	echo "usage: $0 virtio_net.elf" >&2
	exit 2
fi
elf=$1
timeout_s=${GUEST_TIMEOUT:-60}
if [ ! -f "$elf" ]; then
	echo "FAIL $elf: no such file (build it first)"
	exit 1
fi
net="-global virtio-mmio.force-legacy=${NET_LEGACY:-true}
-netdev user,id=n0 -device virtio-net-device,netdev=n0"
if [ -n "${REPRISE:-}" ]; then
	if [ ! -x "$REPRISE" ]; then
		echo "SKIP $elf: emulator $REPRISE not found"
		exit 77
	fi
	append=${NET_APPEND-virtio.malformed}
	# shellcheck disable=SC2086
	set -- "$REPRISE" run -M virt -m 128M -bios none -kernel "$elf" -nographic $net
else
	emu=${QEMU:-qemu-system-riscv64}
	if ! command -v "$emu" >/dev/null 2>&1; then
		echo "SKIP $elf: emulator $emu not found"
		exit 77
	fi
	append=${NET_APPEND-}
	# shellcheck disable=SC2086
	set -- "$emu" -M virt -m 128M -bios none -kernel "$elf" -nographic -monitor none $net
fi
if [ -n "$append" ]; then
	set -- "$@" -append "$append"
fi
out=$(timeout "$timeout_s" "$@" </dev/null 2>&1)
status=$?
printf '%s\n' "$out"
if [ "$status" -eq 0 ] && printf '%s\n' "$out" | grep -q '^PASS'; then
	exit 0
fi
if [ "$status" -eq 124 ]; then
	echo "FAIL $elf: timed out after ${timeout_s}s"
else
	echo "FAIL $elf: exit status $status"
fi
echo "reproduce with: $*"
exit 1
