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
. "$(dirname "$0")/lib/runner.sh"
pick_emulator "$elf"
net="-global virtio-mmio.force-legacy=${NET_LEGACY:-true}
-netdev user,id=n0 -device virtio-net-device,netdev=n0"
if $on_reprise; then
	append=${NET_APPEND-virtio.malformed}
	# shellcheck disable=SC2086
	set -- "$emu" run -M virt -m 128M -bios none -kernel "$elf" -nographic $net
else
	append=${NET_APPEND-}
	# shellcheck disable=SC2086
	set -- "$emu" -M virt -m 128M -bios none -kernel "$elf" -nographic -monitor none $net
fi
if [ -n "$append" ]; then
	set -- "$@" -append "$append"
fi
judge "$elf" "$timeout_s" "$@"
