# Shared by the guest runners (run-guest.sh, run-virtio.sh, run-net.sh),
# sourced: which emulator runs the guest, and the verdict.

# pick_emulator ELF: sets $emu to $REPRISE when REPRISE is set (on_reprise
# true), else to $QEMU (default qemu-system-riscv64, the reference); exits
# 77 when that emulator is missing and 1 when ELF is.
pick_emulator() {
	if [ -n "${REPRISE:-}" ]; then
		emu=$REPRISE on_reprise=true
		[ -x "$emu" ] || { echo "SKIP $1: emulator $emu not found"; exit 77; }
	else
		emu=${QEMU:-qemu-system-riscv64} on_reprise=false
		command -v "$emu" >/dev/null 2>&1 || { echo "SKIP $1: emulator $emu not found"; exit 77; }
	fi
	[ -f "$1" ] || { echo "FAIL $1: no such file (build it first)"; exit 1; }
}

# judge ELF TIMEOUT CMD...: runs CMD with no input and exits 0 when it
# exits 0 and its console shows a "PASS" line; otherwise prints why and a
# command that reproduces it ($repro if set, else CMD), and exits 1.
judge() {
	j_elf=$1 j_timeout=$2
	shift 2
	out=$(timeout "$j_timeout" "$@" </dev/null 2>&1)
	status=$?
	printf '%s\n' "$out"
	if [ "$status" -eq 0 ] && printf '%s\n' "$out" | grep -q '^PASS'; then
		exit 0
	fi
	if [ "$status" -eq 124 ]; then
		echo "FAIL $j_elf: timed out after ${j_timeout}s"
	elif [ "$status" -eq 0 ]; then
		echo "FAIL $j_elf: exit status 0 but no PASS line"
	else
		echo "FAIL $j_elf: exit status $status"
	fi
	echo "reproduce with: ${repro:-timeout $j_timeout $* </dev/null}"
	exit 1
}
