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

if [ -n "${REPRISE:-}" ]; then
	emu=$REPRISE
	if [ ! -x "$emu" ]; then
		echo "SKIP $elf: emulator $emu not found"
		exit 77
	fi
	set -- "$emu" run -M virt -m 128M -bios none -kernel "$elf" -nographic
else
	emu=${QEMU:-qemu-system-riscv64}
	if ! command -v "$emu" >/dev/null 2>&1; then
		echo "SKIP $elf: emulator $emu not found"
		exit 77
	fi
	# -icount shift=0: QEMU 7.2 counts minstret exactly only with icount
	# (without it minstret reads the host TSC); Reprise always counts.
	set -- "$emu" -M virt -m 128M -bios none -kernel "$elf" -nographic \
		-monitor none -icount shift=0
fi

if [ ! -f "$elf" ]; then
	echo "FAIL $elf: no such file (build it first)"
	exit 1
fi

out=$(timeout "$timeout_s" "$@" </dev/null 2>&1)
status=$?
if [ "$status" -eq 0 ] && printf '%s\n' "$out" | grep -q '^PASS'; then
	printf '%s\n' "$out"
	exit 0
fi

printf '%s\n' "$out"
if [ "$status" -eq 124 ]; then
	echo "FAIL $elf: timed out after ${timeout_s}s"
elif [ "$status" -eq 0 ]; then
	echo "FAIL $elf: exit status 0 but no PASS line"
else
	echo "FAIL $elf: exit status $status"
fi
echo "reproduce with: timeout $timeout_s $* </dev/null"
exit 1
