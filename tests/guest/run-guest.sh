#!/bin/sh
# Run one bare-metal guest test and judge it: pass when the emulator exits
# with status 0 and the console shows "PASS".  Runs on $REPRISE (Reprise's
# binary, given QEMU's options after "run"); when REPRISE is empty or unset
# it runs on $QEMU (default qemu-system-riscv64), the reference.
# Exit status: 0 pass, 1 fail, 77 skip (emulator binary missing).
# Usage: run-guest.sh TEST.elf    Environment: REPRISE, QEMU, GUEST_TIMEOUT
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 TEST.elf" >&2
	exit 2
fi
elf=$1
timeout_s=${GUEST_TIMEOUT:-60}
. "$(dirname "$0")/lib/runner.sh"
pick_emulator "$elf"
if $on_reprise; then
	set -- "$emu" run -M virt -m 128M -bios none -kernel "$elf" -nographic
else
	# -icount shift=0: QEMU 7.2 counts minstret exactly only with icount
	# (without it minstret reads the host TSC); Reprise always counts.
	set -- "$emu" -M virt -m 128M -bios none -kernel "$elf" -nographic \
		-monitor none -icount shift=0
fi
judge "$elf" "$timeout_s" "$@"
